package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.BitSet;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.AF_INET;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.AF_INET6;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.EINTR;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.ENOENT;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.EPROTONOSUPPORT;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.IPPROTO_TCP;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.IPPROTO_UDP;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.IPPROTO_UDPLITE;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NETLINK_SOCK_DIAG;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.SOCK_DIAG_BY_FAMILY;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.TCP_CLOSE;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.TCP_LISTEN;

/**
 * Reads which local ports have a socket waiting for peers: TCP sockets in
 * LISTEN, and bound, unconnected UDP and UDP-Lite sockets, IPv4 and IPv6
 * (dual-stack IPv6 sockets included), through the kernel's socket
 * diagnostics (NETLINK_SOCK_DIAG, the interface of {@code ss}).
 *
 * <pre>{@code
 * try (ListeningSockets sockets = ListeningSockets.open()) {
 *     ListeningPorts ports = sockets.read(); // as often as needed
 * }
 * }</pre>
 *
 * <p><b>Why sock_diag and not /proc/net/tcp.</b> The kernel filters by
 * state before it answers: a request for TCP sockets in LISTEN walks the
 * listening hash table only and never the established connections, so a
 * host with a million established connections costs nothing extra. The
 * /proc/net files list every socket in every state, as text, for the
 * reader to parse and throw away. A read is six dump requests (TCP, UDP,
 * UDP-Lite, each for IPv4 and IPv6) on one open socket, and 88 bytes per
 * socket reported.
 *
 * <p><b>Which UDP sockets.</b> UDP has no listen state: a UDP socket serves
 * on its port once bound. A connected one (state ESTABLISHED, as
 * {@code connect(2)} makes it, and as the C library's DNS resolver uses
 * them) receives from its one peer only: it is a client's, on an ephemeral
 * port, and is left out, as {@code ss --listening} leaves it out. A client
 * that sends from an unconnected socket cannot be told from a server and
 * is in.
 *
 * <p><b>Namespace.</b> The sockets of the network namespace of the thread
 * that calls {@link #open}: the kernel fixes the netlink socket's namespace
 * when the socket is created and answers its dumps about that namespace,
 * whichever thread reads. Needs no privileges.
 *
 * <p><b>Kernel.</b> Needs the modules sock_diag, inet_diag, tcp_diag and
 * udp_diag (built in, or loaded by the kernel on first use where modules
 * are available); a kernel built without UDP-Lite has no UDP-Lite sockets,
 * which reads as none. Thread-safe: reads take turns.
 */
public final class ListeningSockets implements AutoCloseable {
    /** Generous: a dump answers in microseconds to milliseconds. */
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(5);
    /** The kernel builds dump parts of at most 32 KiB (less its own overhead): they always fit. */
    private static final long BUFFER_BYTES = 64 * 1024;
    private static final int[] FAMILIES = {AF_INET(), AF_INET6()};

    /** What one transport is asked for, and which kernel modules answer. */
    private enum Query {
        TCP("TCP", IPPROTO_TCP(), 1 << TCP_LISTEN(), "tcp_diag"),
        // UDP has no listen state: a bound, unconnected socket is in TCP_CLOSE.
        UDP("UDP", IPPROTO_UDP(), 1 << TCP_CLOSE(), "udp_diag"),
        UDP_LITE("UDP-Lite", IPPROTO_UDPLITE(), 1 << TCP_CLOSE(), "udp_diag");

        final int protocol;
        final int states;
        final String operation;

        Query(String label, int protocol, int states, String module) {
            this.protocol = protocol;
            this.states = states;
            this.operation = "read the listening " + label + " sockets (sock_diag; needs kernel modules inet_diag and "
                    + module + ")";
        }
    }

    private final NetlinkSocket socket;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private int lastSequence;
    private boolean closed;

    private ListeningSockets(NetlinkSocket socket) {
        this.socket = socket;
        this.buffer = arena.allocate(BUFFER_BYTES, Long.BYTES);
    }

    /**
     * A reader of the listening sockets of the calling thread's network
     * namespace.
     *
     * @throws NetlinkException when the kernel refuses the socket
     *                          (EPROTONOSUPPORT: no sock_diag in this kernel)
     */
    public static ListeningSockets open() {
        NetlinkSocket socket;
        try {
            socket = NetlinkSocket.open(NETLINK_SOCK_DIAG(), 0, RECEIVE_TIMEOUT);
        } catch (NetlinkException e) {
            if (e.errno() == EPROTONOSUPPORT()) {
                throw new NetlinkException(e.operation() + " (needs kernel module sock_diag)", e.errno());
            }
            throw e;
        }
        return new ListeningSockets(socket);
    }

    /**
     * The listening ports now.
     *
     * @throws NetlinkException naming the transport and the kernel modules
     *                          it needs, when the kernel refuses a dump
     *                          (ENOENT: the module is missing) or does not
     *                          answer within 5 s (EAGAIN)
     * @throws IllegalStateException when closed
     */
    public synchronized ListeningPorts read() {
        if (closed) {
            throw new IllegalStateException("listening sockets reader is closed");
        }
        BitSet[] ports = new BitSet[Query.values().length];
        for (Query query : Query.values()) {
            ports[query.ordinal()] = new BitSet();
            for (int family : FAMILIES) {
                int errno = dump(query, family, ports[query.ordinal()]);
                if (errno == ENOENT() && query == Query.UDP_LITE) {
                    break; // UDP answered, so udp_diag is there: this kernel has no UDP-Lite, hence no such sockets
                }
                if (errno != 0) {
                    throw new NetlinkException(query.operation, errno);
                }
            }
        }
        return new ListeningPorts(ports[Query.TCP.ordinal()], ports[Query.UDP.ordinal()],
                ports[Query.UDP_LITE.ordinal()]);
    }

    /**
     * Asks for one family's sockets of a transport and adds their ports;
     * returns 0, or the errno with which the kernel refused or ended the dump.
     */
    private int dump(Query query, int family, BitSet ports) {
        int sequence = lastSequence = lastSequence == Integer.MAX_VALUE ? 1 : lastSequence + 1;
        try (Arena request = Arena.ofConfined()) {
            socket.send(InetDiagMessages.dumpRequest(request, sequence, family, query.protocol, query.states),
                    query.operation);
        }
        int[] outcome = {-1}; // the errno once the dump ended
        NetlinkMessages.Handler handler = new NetlinkMessages.Handler() {
            @Override
            public void message(int type, int flags, int replyTo, MemorySegment payload) {
                // Parts with another number are left over from an earlier read that failed half way.
                if (replyTo == sequence && type == SOCK_DIAG_BY_FAMILY()) {
                    int port = InetDiagMessages.localPort(payload, family, query.states);
                    if (port != 0) {
                        ports.set(port);
                    }
                }
            }

            @Override
            public void error(int replyTo, int errno) {
                done(replyTo, errno);
            }

            @Override
            public void done(int replyTo, int errno) {
                if (replyTo == sequence) {
                    outcome[0] = errno;
                }
            }
        };
        while (outcome[0] < 0) {
            long received = socket.receive(buffer);
            if (received == -EINTR()) {
                continue;
            }
            if (received < 0) {
                return (int) -received;
            }
            if (received > buffer.byteSize()) {
                throw new IllegalStateException(query.operation + ": a " + received + "-byte reply did not fit the "
                        + buffer.byteSize() + "-byte buffer");
            }
            NetlinkMessages.Walk walk = NetlinkMessages.walk(buffer.asSlice(0, received), handler);
            if (!walk.complete()) {
                throw new IllegalStateException(query.operation + ": unreadable reply: "
                        + String.join("; ", walk.problems()));
            }
        }
        return outcome[0];
    }

    /** Closes the netlink socket; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            socket.close();
        } finally {
            arena.close();
        }
    }
}
