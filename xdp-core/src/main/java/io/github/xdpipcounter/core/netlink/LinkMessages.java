package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Reads the link events out of one datagram of a NETLINK_ROUTE socket:
 * RTM_NEWLINK and RTM_DELLINK messages, each an {@code ifinfomsg} and its
 * attributes ({@link NetlinkMessages} reads the framing).
 */
final class LinkMessages {
    /** struct ifinfomsg (linux/rtnetlink.h). */
    static final StructLayout IFINFOMSG = MemoryLayout.structLayout(
            JAVA_BYTE.withName("ifi_family"),
            JAVA_BYTE.withName("__ifi_pad"),
            JAVA_SHORT.withName("ifi_type"),
            JAVA_INT.withName("ifi_index"),
            JAVA_INT.withName("ifi_flags"),
            JAVA_INT.withName("ifi_change"));

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int IFLA_IFNAME = 3;

    private static final long IFI_FAMILY = IFINFOMSG.byteOffset(groupElement("ifi_family"));
    private static final long IFI_INDEX = IFINFOMSG.byteOffset(groupElement("ifi_index"));

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
        NetlinkMessages.Walk walk = NetlinkMessages.walk(datagram, (type, flags, sequence, payload) -> {
            if (type == RTM_NEWLINK || type == RTM_DELLINK) {
                readLink(type, payload, events);
            } // Messages of other groups: nothing to us.
        });
        return new Parsed(events, walk.complete(), walk.problems());
    }

    private static void readLink(int type, MemorySegment message, List<LinkEvent> events) {
        NetlinkMessages.requireHeader(message, IFINFOMSG, "link message", "ifinfomsg");
        // RTMGRP_LINK also carries bridge port notifications (family AF_BRIDGE):
        // RTM_DELLINK there means "no longer a bridge port", not "deleted".
        if (message.get(JAVA_BYTE, IFI_FAMILY) != NetlinkMessages.AF_UNSPEC) {
            return;
        }
        int index = message.get(JAVA_INT, IFI_INDEX);
        String[] name = {null};
        NetlinkMessages.attributes(message, IFINFOMSG.byteSize(), "link", (attribute, value) -> {
            if (attribute == IFLA_IFNAME) {
                name[0] = NetlinkMessages.cString(value);
            }
        });
        if (index <= 0 || name[0] == null || name[0].isEmpty()) {
            throw new NetlinkMessages.Malformed("link message without an interface index and name (index " + index + ")");
        }
        events.add(new LinkEvent(type == RTM_NEWLINK ? LinkEvent.Kind.PRESENT : LinkEvent.Kind.REMOVED, index, name[0]));
    }
}
