package io.github.xdpipcounter.core.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Two test hosts: namespace "counter" and namespace "peer", joined by one
 * veth pair, with no route anywhere else. The peer holds several source
 * addresses of each network. Closing removes both namespaces.
 */
public final class TwoHosts implements AutoCloseable {
    public static final String COUNTER_V4 = "10.203.0.1";
    public static final String COUNTER_V6 = "fd00:203::1";
    public static final List<String> PEER_V4 = List.of("10.203.0.2", "10.203.0.3", "10.203.0.4");
    public static final List<String> PEER_V6 = List.of("fd00:203::2", "fd00:203::3", "fd00:203::4");

    /** Where {@link #sendFromManySources} takes its source addresses: no host has them. */
    public static final String MANY_SOURCES_V4 = "10.204.0.0/16";

    public final NetworkNamespace counter;
    public final NetworkNamespace peer;
    public final String counterInterface;
    public final String peerInterface;

    private TwoHosts(NetworkNamespace counter, NetworkNamespace peer, String counterInterface, String peerInterface) {
        this.counter = counter;
        this.peer = peer;
        this.counterInterface = counterInterface;
        this.peerInterface = peerInterface;
    }

    public static TwoHosts create() {
        NetworkNamespace counter = NetworkNamespace.create("ctr");
        NetworkNamespace peer = null;
        try {
            peer = NetworkNamespace.create("peer");
            TwoHosts hosts = new TwoHosts(counter, peer, NetworkNamespace.interfaceName("xc"),
                    NetworkNamespace.interfaceName("xp"));
            hosts.link();
            return hosts;
        } catch (RuntimeException e) {
            counter.close();
            if (peer != null) {
                peer.close();
            }
            throw e;
        }
    }

    /** Makes the veth pair between the hosts, with their addresses. */
    private void link() {
        NetworkNamespace.veth(counter, counterInterface, peer, peerInterface);
        counter.ip("addr", "add", COUNTER_V4 + "/24", "dev", counterInterface);
        counter.ip("addr", "add", COUNTER_V6 + "/64", "dev", counterInterface, "nodad");
        for (String v4 : PEER_V4) {
            peer.ip("addr", "add", v4 + "/24", "dev", peerInterface);
        }
        for (String v6 : PEER_V6) {
            peer.ip("addr", "add", v6 + "/64", "dev", peerInterface, "nodad");
        }
    }

    /** Deletes the veth pair between the hosts (both ends go), as {@code ip link del} on the counter's end does. */
    public void unlink() {
        counter.ip("link", "del", counterInterface);
    }

    /** Makes the veth pair again, with the same names and addresses (new interface indexes). */
    public void relink() {
        link();
    }

    /**
     * From the peer: {@code datagrams} UDP datagrams to {@code udpPort} and
     * one TCP connection attempt to {@code tcpPort} (nothing listens: one SYN,
     * answered by a reset) from each source address, to the counter host.
     * Bounded: a fixed number of packets, and a time limit.
     */
    public void sendFromPeer(int datagrams, int udpPort, int tcpPort) {
        String script = """
                import socket, sys
                datagrams, udp_port, tcp_port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
                dst4, dst6 = sys.argv[4], sys.argv[5]
                for src in sys.argv[6:]:
                    family, dst = (socket.AF_INET6, dst6) if ':' in src else (socket.AF_INET, dst4)
                    u = socket.socket(family, socket.SOCK_DGRAM)
                    u.bind((src, 0))
                    for i in range(datagrams):
                        u.sendto(b'xdp-ip-counter test', (dst, udp_port))
                    u.close()
                    t = socket.socket(family, socket.SOCK_STREAM)
                    t.bind((src, 0))
                    t.settimeout(5)
                    err = t.connect_ex((dst, tcp_port))
                    assert err == 111, 'expected connection refused, got %d' % err
                    t.close()
                """;
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-c", script, String.valueOf(datagrams),
                String.valueOf(udpPort), String.valueOf(tcpPort), COUNTER_V4, COUNTER_V6));
        cmd.addAll(PEER_V4);
        cmd.addAll(PEER_V6);
        peer.exec(Duration.ofSeconds(30), cmd.toArray(String[]::new));
    }

    /**
     * From the peer: one UDP datagram to {@code udpPort} of the counter host
     * from each of {@code sources} IPv4 addresses of {@link #MANY_SOURCES_V4},
     * written with their headers through a raw socket (no interface holds
     * them), so that a window holds thousands of sources in milliseconds.
     * Sent twice: datagrams that wait for the counter's link address while
     * the first round resolves it may be dropped. Bounded: at most 64,000
     * sources, a time limit.
     */
    public void sendFromManySources(int sources, int udpPort) {
        if (sources < 1 || sources > 64_000) {
            throw new IllegalArgumentException("1 to 64000 sources, not " + sources);
        }
        String script = """
                import socket, struct, sys
                sources, port, dst = int(sys.argv[1]), int(sys.argv[2]), socket.inet_aton(sys.argv[3])
                payload = b'xdp-ip-counter test'
                s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
                for _ in range(2):
                    for i in range(sources):
                        src = socket.inet_aton('10.204.%d.%d' % (i // 250, i % 250 + 1))
                        # The kernel fills in the total length, identification and header checksum.
                        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 0, 0, 0x4000, 64, socket.IPPROTO_UDP, 0, src, dst)
                        udp = struct.pack('!HHHH', 40000, port, 8 + len(payload), 0)
                        s.sendto(ip + udp + payload, (sys.argv[3], 0))
                s.close()
                """;
        peer.exec(Duration.ofSeconds(30), "/usr/bin/python3", "-c", script, String.valueOf(sources), String.valueOf(udpPort),
                COUNTER_V4);
    }

    @Override
    public void close() {
        try {
            peer.close();
        } finally {
            counter.close();
        }
    }
}
