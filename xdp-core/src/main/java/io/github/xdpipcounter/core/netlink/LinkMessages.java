package io.github.xdpipcounter.core.netlink;

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
 * Reads the link events out of one datagram of a NETLINK_ROUTE socket: a
 * run of netlink messages, each a {@code nlmsghdr}, for RTM_NEWLINK and
 * RTM_DELLINK followed by an {@code ifinfomsg} and its attributes.
 * Everything is in host byte order and aligned to 4 bytes.
 */
final class LinkMessages {
    /** struct nlmsghdr (linux/netlink.h). */
    static final StructLayout NLMSGHDR = MemoryLayout.structLayout(
            JAVA_INT.withName("nlmsg_len"),
            JAVA_SHORT.withName("nlmsg_type"),
            JAVA_SHORT.withName("nlmsg_flags"),
            JAVA_INT.withName("nlmsg_seq"),
            JAVA_INT.withName("nlmsg_pid"));
    /** struct ifinfomsg (linux/rtnetlink.h). */
    static final StructLayout IFINFOMSG = MemoryLayout.structLayout(
            JAVA_BYTE.withName("ifi_family"),
            JAVA_BYTE.withName("__ifi_pad"),
            JAVA_SHORT.withName("ifi_type"),
            JAVA_INT.withName("ifi_index"),
            JAVA_INT.withName("ifi_flags"),
            JAVA_INT.withName("ifi_change"));
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
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int IFLA_IFNAME = 3;
    static final int AF_UNSPEC = 0;

    private static final long NLMSG_LEN = NLMSGHDR.byteOffset(groupElement("nlmsg_len"));
    private static final long NLMSG_TYPE = NLMSGHDR.byteOffset(groupElement("nlmsg_type"));
    private static final long IFI_FAMILY = IFINFOMSG.byteOffset(groupElement("ifi_family"));
    private static final long IFI_INDEX = IFINFOMSG.byteOffset(groupElement("ifi_index"));
    private static final long RTA_LEN = RTATTR.byteOffset(groupElement("rta_len"));
    private static final long RTA_TYPE = RTATTR.byteOffset(groupElement("rta_type"));
    private static final long NLMSGERR_ERROR = NLMSGERR.byteOffset(groupElement("error"));

    /**
     * The events of a datagram, in order. {@code complete} is false when a
     * message could not be read to its end (the datagram was truncated or
     * malformed): whatever it said is lost.
     */
    record Parsed(List<LinkEvent> events, boolean complete, List<String> problems) {
    }

    private LinkMessages() {
    }

    static Parsed parse(MemorySegment datagram) {
        List<LinkEvent> events = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long at = 0;
        long end = datagram.byteSize();
        while (end - at >= NLMSGHDR.byteSize()) {
            long length = Integer.toUnsignedLong(datagram.get(JAVA_INT, at + NLMSG_LEN));
            int type = Short.toUnsignedInt(datagram.get(JAVA_SHORT, at + NLMSG_TYPE));
            if (length < NLMSGHDR.byteSize() || length > end - at) {
                problems.add("netlink message of length " + length + " at offset " + at + " does not fit the "
                        + end + "-byte datagram");
                return new Parsed(events, false, problems);
            }
            MemorySegment payload = datagram.asSlice(at + NLMSGHDR.byteSize(), length - NLMSGHDR.byteSize());
            switch (type) {
                case NLMSG_DONE -> {
                    // Ends a multipart reply; nothing after it belongs to this datagram's story.
                    return new Parsed(events, true, problems);
                }
                case NLMSG_ERROR -> {
                    if (payload.byteSize() >= JAVA_INT.byteSize()) {
                        int error = -payload.get(JAVA_INT, NLMSGERR_ERROR);
                        if (error != 0) { // 0 is an acknowledgement
                            problems.add("the kernel reported " + Errno.describe(error));
                        }
                    }
                }
                case RTM_NEWLINK, RTM_DELLINK -> {
                    if (!readLink(type, payload, events, problems)) {
                        return new Parsed(events, false, problems);
                    }
                }
                default -> {
                    // NLMSG_NOOP, and messages of other groups: nothing to us.
                }
            }
            at += align(length);
        }
        if (at < end) {
            problems.add((end - at) + " bytes at the end of the datagram are not a whole netlink message");
            return new Parsed(events, false, problems);
        }
        return new Parsed(events, true, problems);
    }

    /** False when the message is malformed. */
    private static boolean readLink(int type, MemorySegment message, List<LinkEvent> events, List<String> problems) {
        if (message.byteSize() < IFINFOMSG.byteSize()) {
            problems.add("link message of " + message.byteSize() + " bytes is shorter than struct ifinfomsg");
            return false;
        }
        // RTMGRP_LINK also carries bridge port notifications (family AF_BRIDGE):
        // RTM_DELLINK there means "no longer a bridge port", not "deleted".
        if (message.get(JAVA_BYTE, IFI_FAMILY) != AF_UNSPEC) {
            return true;
        }
        int index = message.get(JAVA_INT, IFI_INDEX);
        String name = null;
        long at = align(IFINFOMSG.byteSize());
        while (message.byteSize() - at >= RTATTR.byteSize()) {
            int length = Short.toUnsignedInt(message.get(JAVA_SHORT, at + RTA_LEN));
            int attribute = Short.toUnsignedInt(message.get(JAVA_SHORT, at + RTA_TYPE));
            if (length < RTATTR.byteSize() || length > message.byteSize() - at) {
                problems.add("link attribute of length " + length + " does not fit its message");
                return false;
            }
            if (attribute == IFLA_IFNAME) {
                name = cString(message.asSlice(at + RTATTR.byteSize(), length - RTATTR.byteSize()));
            }
            at += align(length);
        }
        if (index <= 0 || name == null || name.isEmpty()) {
            problems.add("link message without an interface index and name (index " + index + ")");
            return false;
        }
        events.add(new LinkEvent(type == RTM_NEWLINK ? LinkEvent.Kind.PRESENT : LinkEvent.Kind.REMOVED, index, name));
        return true;
    }

    /** The bytes up to the first NUL, or all of them. */
    private static String cString(MemorySegment bytes) {
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
