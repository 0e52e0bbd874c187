package io.github.xdpipcounter.testing;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two test hosts: namespace "counter" and namespace "peer", joined by one
 * veth pair, with no route anywhere else. The peer holds several source
 * addresses of each network. Closing removes both namespaces.
 */
public final class TwoHosts implements AutoCloseable {
    /** The counter host's IPv4 address. */
    public static final String COUNTER_V4 = "10.203.0.1";
    /** The counter host's IPv6 address. */
    public static final String COUNTER_V6 = "fd00:203::1";
    /** The peer's IPv4 addresses: the sources of {@link #sendFromPeer}. */
    public static final List<String> PEER_V4 = List.of("10.203.0.2", "10.203.0.3", "10.203.0.4");
    /** The peer's IPv6 addresses: the sources of {@link #sendFromPeer}. */
    public static final List<String> PEER_V6 = List.of("fd00:203::2", "fd00:203::3", "fd00:203::4");

    /** Where {@link #sendFromManySources} takes its source addresses: no host has them. */
    public static final String MANY_SOURCES_V4 = "10.204.0.0/16";
    /** The most frames one {@link #sendFrames} writes: a scan of every port over two transports and networks is 262,144. */
    public static final int MAX_FRAMES = 1 << 20;
    private static final Pattern LINK_ADDRESS = Pattern.compile("link/ether ([0-9a-f:]{17})");

    /** The namespace where the counter runs. */
    public final NetworkNamespace counter;
    /** The namespace that sends. */
    public final NetworkNamespace peer;
    /** The counter's end of the veth pair: attach there. */
    public final String counterInterface = NetworkNamespace.interfaceName("xc");
    /** The peer's end of the veth pair. */
    public final String peerInterface = NetworkNamespace.interfaceName("xp");

    private TwoHosts(NetworkNamespace counter, NetworkNamespace peer) {
        this.counter = counter;
        this.peer = peer;
    }

    /**
     * Makes both namespaces and the veth pair between them, with their addresses.
     *
     * @return the hosts: close them to remove everything
     */
    public static TwoHosts create() {
        NetworkNamespace counter = NetworkNamespace.create("ctr");
        NetworkNamespace peer = null;
        try {
            peer = NetworkNamespace.create("peer");
            TwoHosts hosts = new TwoHosts(counter, peer);
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
     *
     * @param datagrams UDP datagrams per source
     * @param udpPort   their destination port
     * @param tcpPort   where each source tries to connect
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
     * as whole frames written to the link ({@link #sendFrames}): no interface
     * holds those addresses, and no neighbour resolution can hold a datagram
     * back, so that a window holds thousands of sources in milliseconds.
     * Bounded: at most 64,000 sources, a time limit.
     *
     * @param sources how many sources
     * @param udpPort the destination port
     */
    public void sendFromManySources(int sources, int udpPort) {
        if (sources < 1 || sources > 64_000) {
            throw new IllegalArgumentException("1 to 64000 sources, not " + sources);
        }
        byte[] counterMac = counterLinkAddress();
        byte[] peerMac = peerLinkAddress();
        List<byte[]> frames = new ArrayList<>(sources);
        for (int i = 0; i < sources; i++) {
            String source = "10.204.%d.%d".formatted(i / 250, i % 250 + 1);
            frames.add(Frames.ethernet(counterMac, peerMac, Frames.ETH_P_IP,
                    Frames.ipv4(source, COUNTER_V4, Frames.IPPROTO_UDP, Frames.udp(40000, udpPort, 19))));
        }
        sendFrames(frames);
    }

    /**
     * From the peer: each frame written as it is to the peer's end of the
     * link, through one AF_PACKET socket, so that neither routing nor
     * neighbour resolution stands between a spoofed source and the counter,
     * at some 200,000 frames a second (a Python loop: one send per frame,
     * which the kernel delivers to the counter's end before it returns).
     * Address frames with {@link #counterLinkAddress} and
     * {@link #peerLinkAddress}. Bounded: at most {@value #MAX_FRAMES}
     * frames, a time limit.
     *
     * @return how long writing the frames took, the sender's start-up left out
     *
     * @param frames the frames, each from its Ethernet header on
     */
    public Duration sendFrames(List<byte[]> frames) {
        if (frames.isEmpty() || frames.size() > MAX_FRAMES) {
            throw new IllegalArgumentException("1 to " + MAX_FRAMES + " frames, not " + frames.size());
        }
        String script = """
                import socket, sys, time
                data = memoryview(open(sys.argv[2], 'rb').read())
                frames, at = [], 0
                while at < len(data):
                    length = int.from_bytes(data[at:at + 2], 'big')
                    frames.append(data[at + 2:at + 2 + length])
                    at += 2 + length
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
                s.bind((sys.argv[1], 0))
                start = time.monotonic()
                for frame in frames:
                    s.send(frame)
                print(time.monotonic() - start)
                s.close()
                """;
        Path file = null;
        try {
            // Length-prefixed frames in one file: 262,144 frames are too many for a command line.
            file = Files.createTempFile("xic-frames-", ".bin");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
                for (byte[] frame : frames) {
                    out.writeShort(frame.length);
                    out.write(frame);
                }
            }
            String took = peer.exec(Duration.ofSeconds(60), "/usr/bin/python3", "-c", script, peerInterface, file.toString());
            return Duration.ofNanos((long) (Double.parseDouble(took.strip()) * 1e9));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the frames to send", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file left behind is no test failure
                }
            }
        }
    }

    /**
     * The link address of the counter's end of the link: where frames from the peer go.
     *
     * @return the link address
     */
    public byte[] counterLinkAddress() {
        return linkAddress(counter, counterInterface);
    }

    /**
     * The link address of the peer's end of the link.
     *
     * @return the link address
     */
    public byte[] peerLinkAddress() {
        return linkAddress(peer, peerInterface);
    }

    private static byte[] linkAddress(NetworkNamespace ns, String interfaceName) {
        String shown = ns.ip("-o", "link", "show", "dev", interfaceName);
        Matcher m = LINK_ADDRESS.matcher(shown);
        if (!m.find()) {
            throw new IllegalStateException("no link address for " + interfaceName + " in: " + shown);
        }
        return Frames.mac(m.group(1));
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
