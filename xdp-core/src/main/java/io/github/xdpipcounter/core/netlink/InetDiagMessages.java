package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import io.github.xdpipcounter.core.internal.netlink.inet_diag_msg;
import io.github.xdpipcounter.core.internal.netlink.inet_diag_req_v2;
import io.github.xdpipcounter.core.internal.netlink.inet_diag_sockid;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.SOCK_DIAG_BY_FAMILY;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The inet_diag messages of NETLINK_SOCK_DIAG: a SOCK_DIAG_BY_FAMILY dump
 * request ({@code inet_diag_req_v2}) for the sockets of one family and
 * protocol in some states (a bit per TCP state: TCP_LISTEN, and TCP_CLOSE
 * for UDP's unconnected sockets), and the {@code inet_diag_msg} the kernel
 * answers with per socket ({@link NetlinkMessages} reads the framing).
 */
final class InetDiagMessages {
    /** A port as sockets carry it: network byte order (the struct's {@code __be16}). */
    private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long LOCAL_PORT = inet_diag_msg.id$offset() + inet_diag_sockid.idiag_sport$offset();

    private InetDiagMessages() {
    }

    /**
     * A dump of the sockets of {@code family} (AF_INET, AF_INET6) and IP
     * {@code protocol} whose state is one of {@code states} (a bit per TCP
     * state: the kernel skips the others without reporting them), numbered
     * {@code sequence}.
     */
    static MemorySegment dumpRequest(Arena arena, int sequence, int family, int protocol, int states) {
        MemorySegment request = inet_diag_req_v2.allocate(arena); // zeroed: no extensions, any address and port
        inet_diag_req_v2.sdiag_family(request, (byte) family);
        inet_diag_req_v2.sdiag_protocol(request, (byte) protocol);
        inet_diag_req_v2.idiag_states(request, states);
        return NetlinkMessages.dumpRequest(arena, SOCK_DIAG_BY_FAMILY(), sequence, request);
    }

    /**
     * The local port of the socket an {@code inet_diag_msg} describes, or 0
     * when it is not of {@code family} or its state is not one of
     * {@code states} (which the kernel has filtered already: a check, not a
     * filter).
     *
     * @throws NetlinkMessages.Malformed when the message is too short
     */
    static int localPort(MemorySegment message, int family, int states) {
        NetlinkMessages.requireHeader(message, inet_diag_msg.layout(), "inet_diag message");
        int state = Byte.toUnsignedInt(inet_diag_msg.idiag_state(message));
        if (inet_diag_msg.idiag_family(message) != family || state >= Integer.SIZE || (states & 1 << state) == 0) {
            return 0;
        }
        return Short.toUnsignedInt(message.get(PORT, LOCAL_PORT));
    }
}
