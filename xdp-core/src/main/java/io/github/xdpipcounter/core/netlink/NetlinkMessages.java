package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.github.xdpipcounter.core.bpf.Errno;
import io.github.xdpipcounter.core.internal.netlink.nlmsgerr;
import io.github.xdpipcounter.core.internal.netlink.nlmsghdr;
import io.github.xdpipcounter.core.internal.netlink.rtattr;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.NLMSG_DONE;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NLMSG_ERROR;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NLMSG_NOOP;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NLM_F_DUMP;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NLM_F_REQUEST;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The framing every netlink protocol shares: a datagram is a run of
 * messages, each a {@code nlmsghdr} and a payload, and many payloads end in
 * attributes ({@code rtattr}, the same shape as {@code nlattr}). Everything
 * is in host byte order and aligned to 4 bytes. What a payload means is the
 * business of the protocol's own class ({@link LinkMessages},
 * {@link AddressMessages}, {@link InetDiagMessages}). The structs and
 * constants are the kernel's headers, generated ({@code core.internal.netlink}).
 */
final class NetlinkMessages {
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
        while (end - at >= nlmsghdr.sizeof()) {
            MemorySegment message = datagram.asSlice(at);
            long length = Integer.toUnsignedLong(nlmsghdr.nlmsg_len(message));
            int type = Short.toUnsignedInt(nlmsghdr.nlmsg_type(message));
            int flags = Short.toUnsignedInt(nlmsghdr.nlmsg_flags(message));
            int sequence = nlmsghdr.nlmsg_seq(message);
            if (length < nlmsghdr.sizeof() || length > end - at) {
                problems.add("netlink message of length " + length + " at offset " + at + " does not fit the "
                        + end + "-byte datagram");
                return new Walk(false, problems);
            }
            MemorySegment payload = message.asSlice(nlmsghdr.sizeof(), length - nlmsghdr.sizeof());
            // Both carry an int: the errno, negated (0 in an acknowledgement or a dump that ended well).
            int errno = payload.byteSize() >= nlmsgerr.error$layout().byteSize() ? -nlmsgerr.error(payload) : 0;
            if (type == NLMSG_DONE()) {
                // Ends a multipart reply; nothing after it belongs to this datagram's story.
                if (errno != 0) {
                    problems.add("a dump ended with " + Errno.describe(errno));
                }
                handler.done(sequence, errno);
                return new Walk(true, problems);
            }
            if (type == NLMSG_ERROR()) {
                if (errno != 0) {
                    problems.add("the kernel reported " + Errno.describe(errno));
                    handler.error(sequence, errno);
                }
            } else if (type != NLMSG_NOOP()) { // a NOOP has nothing to read
                try {
                    handler.message(type, flags, sequence, payload);
                } catch (Malformed e) {
                    problems.add(e.getMessage());
                    return new Walk(false, problems);
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
        while (message.byteSize() - at >= rtattr.sizeof()) {
            MemorySegment attribute = message.asSlice(at);
            int length = Short.toUnsignedInt(rtattr.rta_len(attribute));
            int type = Short.toUnsignedInt(rtattr.rta_type(attribute));
            if (length < rtattr.sizeof() || length > message.byteSize() - at) {
                throw new Malformed(what + " attribute of length " + length + " does not fit its message");
            }
            handler.attribute(type, attribute.asSlice(rtattr.sizeof(), length - rtattr.sizeof()));
            at += align(length);
        }
    }

    /** Fails unless {@code message} holds at least its fixed header, a struct of the kernel's (named layout). */
    static void requireHeader(MemorySegment message, MemoryLayout header, String what) {
        if (message.byteSize() < header.byteSize()) {
            throw new Malformed(what + " of " + message.byteSize() + " bytes is shorter than struct "
                    + header.name().orElseThrow());
        }
    }

    /**
     * A dump request: a {@code nlmsghdr} of {@code type} with NLM_F_REQUEST
     * and NLM_F_DUMP, numbered {@code sequence}, followed by {@code body}.
     */
    static MemorySegment dumpRequest(Arena arena, int type, int sequence, MemorySegment body) {
        long length = nlmsghdr.sizeof() + body.byteSize();
        MemorySegment request = arena.allocate(align(length), Integer.BYTES); // zeroed: nlmsg_pid 0 is the kernel
        nlmsghdr.nlmsg_len(request, (int) length);
        nlmsghdr.nlmsg_type(request, (short) type);
        nlmsghdr.nlmsg_flags(request, (short) (NLM_F_REQUEST() | NLM_F_DUMP()));
        nlmsghdr.nlmsg_seq(request, sequence);
        MemorySegment.copy(body, 0, request, nlmsghdr.sizeof(), body.byteSize());
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
