package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The inet_diag messages of NETLINK_SOCK_DIAG: a SOCK_DIAG_BY_FAMILY dump
 * request ({@code inet_diag_req_v2}) for the sockets of one family and
 * protocol in some states, and the {@code inet_diag_msg} the kernel
 * answers with per socket ({@link NetlinkMessages} reads the framing).
 */
final class InetDiagMessages {
    /** A port as sockets carry it: network byte order. */
    private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    /** struct inet_diag_sockid (linux/inet_diag.h): ports and addresses in network byte order. */
    static final StructLayout INET_DIAG_SOCKID = MemoryLayout.structLayout(
            PORT.withName("idiag_sport"),
            PORT.withName("idiag_dport"),
            MemoryLayout.sequenceLayout(4, JAVA_INT).withName("idiag_src"),
            MemoryLayout.sequenceLayout(4, JAVA_INT).withName("idiag_dst"),
            JAVA_INT.withName("idiag_if"),
            MemoryLayout.sequenceLayout(2, JAVA_INT).withName("idiag_cookie"));
    /** struct inet_diag_req_v2 (linux/inet_diag.h). */
    static final StructLayout INET_DIAG_REQ_V2 = MemoryLayout.structLayout(
            JAVA_BYTE.withName("sdiag_family"),
            JAVA_BYTE.withName("sdiag_protocol"),
            JAVA_BYTE.withName("idiag_ext"),
            JAVA_BYTE.withName("pad"),
            JAVA_INT.withName("idiag_states"),
            INET_DIAG_SOCKID.withName("id"));
    /** struct inet_diag_msg (linux/inet_diag.h). */
    static final StructLayout INET_DIAG_MSG = MemoryLayout.structLayout(
            JAVA_BYTE.withName("idiag_family"),
            JAVA_BYTE.withName("idiag_state"),
            JAVA_BYTE.withName("idiag_timer"),
            JAVA_BYTE.withName("idiag_retrans"),
            INET_DIAG_SOCKID.withName("id"),
            JAVA_INT.withName("idiag_expires"),
            JAVA_INT.withName("idiag_rqueue"),
            JAVA_INT.withName("idiag_wqueue"),
            JAVA_INT.withName("idiag_uid"),
            JAVA_INT.withName("idiag_inode"));

    /** linux/sock_diag.h. */
    static final int SOCK_DIAG_BY_FAMILY = 20;
    /** The TCP states (include/net/tcp_states.h); UDP uses two of them. */
    static final int TCP_ESTABLISHED = 1;
    static final int TCP_CLOSE = 7;
    static final int TCP_LISTEN = 10;

    private static final long REQ_FAMILY = INET_DIAG_REQ_V2.byteOffset(groupElement("sdiag_family"));
    private static final long REQ_PROTOCOL = INET_DIAG_REQ_V2.byteOffset(groupElement("sdiag_protocol"));
    private static final long REQ_STATES = INET_DIAG_REQ_V2.byteOffset(groupElement("idiag_states"));
    private static final long MSG_FAMILY = INET_DIAG_MSG.byteOffset(groupElement("idiag_family"));
    private static final long MSG_STATE = INET_DIAG_MSG.byteOffset(groupElement("idiag_state"));
    private static final long MSG_SPORT = INET_DIAG_MSG.byteOffset(groupElement("id"), groupElement("idiag_sport"));

    private InetDiagMessages() {
    }

    /**
     * A dump of the sockets of {@code family} (AF_INET, AF_INET6) and IP
     * {@code protocol} whose state is one of {@code states} (a bit per TCP
     * state: the kernel skips the others without reporting them), numbered
     * {@code sequence}.
     */
    static MemorySegment dumpRequest(Arena arena, int sequence, int family, int protocol, int states) {
        MemorySegment request = arena.allocate(INET_DIAG_REQ_V2); // zeroed: no extensions, any address and port
        request.set(JAVA_BYTE, REQ_FAMILY, (byte) family);
        request.set(JAVA_BYTE, REQ_PROTOCOL, (byte) protocol);
        request.set(JAVA_INT, REQ_STATES, states);
        return NetlinkMessages.dumpRequest(arena, SOCK_DIAG_BY_FAMILY, sequence, request);
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
        NetlinkMessages.requireHeader(message, INET_DIAG_MSG, "inet_diag message", "inet_diag_msg");
        int state = Byte.toUnsignedInt(message.get(JAVA_BYTE, MSG_STATE));
        if (message.get(JAVA_BYTE, MSG_FAMILY) != family || state >= Integer.SIZE || (states & 1 << state) == 0) {
            return 0;
        }
        return Short.toUnsignedInt(message.get(PORT, MSG_SPORT));
    }
}
