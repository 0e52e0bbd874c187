package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.github.xdpipcounter.core.bpf.Errno;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The framing every netlink protocol shares: a datagram is a run of
 * messages, each a {@code nlmsghdr} and a payload, and many payloads end in
 * attributes ({@code rtattr}, the same shape as {@code nlattr}). Everything
 * is in host byte order and aligned to 4 bytes. What a payload means is the
 * business of the protocol's own class ({@link LinkMessages},
 * {@link AddressMessages}, {@link InetDiagMessages}).
 */
final class NetlinkMessages {
    /** struct nlmsghdr (linux/netlink.h). */
    static final StructLayout NLMSGHDR = MemoryLayout.structLayout(
            JAVA_INT.withName("nlmsg_len"),
            JAVA_SHORT.withName("nlmsg_type"),
            JAVA_SHORT.withName("nlmsg_flags"),
            JAVA_INT.withName("nlmsg_seq"),
            JAVA_INT.withName("nlmsg_pid"));
    /** struct rtattr (linux/rtnetlink.h). */
    static final StructLayout RTATTR = MemoryLayout.structLayout(
            JAVA_SHORT.withName("rta_len"),
            JAVA_SHORT.withName("rta_type"));
    /** struct nlmsgerr (linux/netlink.h): the errno, negated, then the request's header. */
    static final StructLayout NLMSGERR = MemoryLayout.structLayout(
            JAVA_INT.withName("error"),
            NLMSGHDR.withName("msg"));

    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 0x1;
    /** Set on every message of a dump's reply, and on no notification. */
    static final int NLM_F_MULTI = 0x2;
    /** Set on a dump's part that the kernel built while the dumped table changed: it may be inconsistent. */
    static final int NLM_F_DUMP_INTR = 0x10;
    /** NLM_F_ROOT | NLM_F_MATCH: every entry, not one. */
    static final int NLM_F_DUMP = 0x300;
    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private static final long NLMSG_LEN = NLMSGHDR.byteOffset(groupElement("nlmsg_len"));
    private static final long NLMSG_TYPE = NLMSGHDR.byteOffset(groupElement("nlmsg_type"));
    private static final long NLMSG_FLAGS = NLMSGHDR.byteOffset(groupElement("nlmsg_flags"));
    private static final long NLMSG_SEQ = NLMSGHDR.byteOffset(groupElement("nlmsg_seq"));
    private static final long RTA_LEN = RTATTR.byteOffset(groupElement("rta_len"));
    private static final long RTA_TYPE = RTATTR.byteOffset(groupElement("rta_type"));
    private static final long NLMSGERR_ERROR = NLMSGERR.byteOffset(groupElement("error"));

    /** What a protocol does with the messages of a datagram. */
    interface Handler {
        /**
         * A message of the protocol (not NOOP, ERROR or DONE).
         *
         * @throws Malformed when the payload cannot be read: the rest of the datagram is not read either
         */
        void message(int type, int flags, int sequence, MemorySegment payload);

        /** The kernel refused the request numbered {@code sequence}. */
        default void error(int sequence, int errno) {
        }

        /** The dump asked for by request {@code sequence} ended; {@code errno} 0 when it ended well. */
        default void done(int sequence, int errno) {
        }
    }

    /**
     * How reading a datagram went. {@code complete} is false when a message
     * could not be read to its end (the datagram was truncated or
     * malformed): whatever it said is lost. {@code problems} says what went
     * wrong, including errors the kernel reported.
     */
    record Walk(boolean complete, List<String> problems) {
    }

    /** A message or attribute whose lengths do not add up; its text says which and how. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private NetlinkMessages() {
    }

    /** Hands every message of the datagram to {@code handler}, in order, up to NLMSG_DONE. */
    static Walk walk(MemorySegment datagram, Handler handler) {
        List<String> problems = new ArrayList<>();
        long at = 0;
        long end = datagram.byteSize();
        while (end - at >= NLMSGHDR.byteSize()) {
            long length = Integer.toUnsignedLong(datagram.get(JAVA_INT, at + NLMSG_LEN));
            int type = Short.toUnsignedInt(datagram.get(JAVA_SHORT, at + NLMSG_TYPE));
            int flags = Short.toUnsignedInt(datagram.get(JAVA_SHORT, at + NLMSG_FLAGS));
            int sequence = datagram.get(JAVA_INT, at + NLMSG_SEQ);
            if (length < NLMSGHDR.byteSize() || length > end - at) {
                problems.add("netlink message of length " + length + " at offset " + at + " does not fit the "
                        + end + "-byte datagram");
                return new Walk(false, problems);
            }
            MemorySegment payload = datagram.asSlice(at + NLMSGHDR.byteSize(), length - NLMSGHDR.byteSize());
            // Both carry an int: the errno, negated (0 in an acknowledgement or a dump that ended well).
            int errno = payload.byteSize() >= JAVA_INT.byteSize() ? -payload.get(JAVA_INT, NLMSGERR_ERROR) : 0;
            switch (type) {
                case NLMSG_DONE -> {
                    // Ends a multipart reply; nothing after it belongs to this datagram's story.
                    if (errno != 0) {
                        problems.add("a dump ended with " + Errno.describe(errno));
                    }
                    handler.done(sequence, errno);
                    return new Walk(true, problems);
                }
                case NLMSG_ERROR -> {
                    if (errno != 0) {
                        problems.add("the kernel reported " + Errno.describe(errno));
                        handler.error(sequence, errno);
                    }
                }
                case NLMSG_NOOP -> {
                    // Nothing to read.
                }
                default -> {
                    try {
                        handler.message(type, flags, sequence, payload);
                    } catch (Malformed e) {
                        problems.add(e.getMessage());
                        return new Walk(false, problems);
                    }
                }
            }
            at += align(length);
        }
        if (at < end) {
            problems.add((end - at) + " bytes at the end of the datagram are not a whole netlink message");
            return new Walk(false, problems);
        }
        return new Walk(true, problems);
    }

    /** What a protocol does with the attributes of a message. */
    interface AttributeHandler {
        void attribute(int type, MemorySegment value);
    }

    /**
     * Hands every attribute of {@code message} after its fixed header of
     * {@code headerBytes} to {@code handler}, in order.
     *
     * @param what the message's kind, for the problem's text
     * @throws Malformed when an attribute's length does not fit the message
     */
    static void attributes(MemorySegment message, long headerBytes, String what, AttributeHandler handler) {
        long at = align(headerBytes);
        while (message.byteSize() - at >= RTATTR.byteSize()) {
            int length = Short.toUnsignedInt(message.get(JAVA_SHORT, at + RTA_LEN));
            int type = Short.toUnsignedInt(message.get(JAVA_SHORT, at + RTA_TYPE));
            if (length < RTATTR.byteSize() || length > message.byteSize() - at) {
                throw new Malformed(what + " attribute of length " + length + " does not fit its message");
            }
            handler.attribute(type, message.asSlice(at + RTATTR.byteSize(), length - RTATTR.byteSize()));
            at += align(length);
        }
    }

    /** Fails unless {@code message} holds at least its fixed header, named {@code struct}. */
    static void requireHeader(MemorySegment message, StructLayout header, String what, String struct) {
        if (message.byteSize() < header.byteSize()) {
            throw new Malformed(what + " of " + message.byteSize() + " bytes is shorter than struct " + struct);
        }
    }

    /**
     * A dump request: a {@code nlmsghdr} of {@code type} with NLM_F_REQUEST
     * and NLM_F_DUMP, numbered {@code sequence}, followed by {@code body}.
     */
    static MemorySegment dumpRequest(Arena arena, int type, int sequence, MemorySegment body) {
        long length = NLMSGHDR.byteSize() + body.byteSize();
        MemorySegment request = arena.allocate(align(length), Integer.BYTES); // zeroed: nlmsg_pid 0 is the kernel
        request.set(JAVA_INT, NLMSG_LEN, (int) length);
        request.set(JAVA_SHORT, NLMSG_TYPE, (short) type);
        request.set(JAVA_SHORT, NLMSG_FLAGS, (short) (NLM_F_REQUEST | NLM_F_DUMP));
        request.set(JAVA_INT, NLMSG_SEQ, sequence);
        MemorySegment.copy(body, 0, request, NLMSGHDR.byteSize(), body.byteSize());
        return request;
    }

    /** The bytes up to the first NUL, or all of them. */
    static String cString(MemorySegment bytes) {
        long length = 0;
        while (length < bytes.byteSize() && bytes.get(JAVA_BYTE, length) != 0) {
            length++;
        }
        return new String(bytes.asSlice(0, length).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** NLMSG_ALIGN and RTA_ALIGN: 4 bytes. */
    static long align(long length) {
        return (length + 3) & ~3L;
    }
}
