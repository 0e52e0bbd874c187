package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import io.github.xdpipcounter.core.internal.netlink.ifinfomsg;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.AF_UNSPEC;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.IFLA_IFNAME;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTM_DELLINK;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTM_NEWLINK;

/**
 * Reads the link events out of one datagram of a NETLINK_ROUTE socket:
 * RTM_NEWLINK and RTM_DELLINK messages, each an {@code ifinfomsg} and its
 * attributes ({@link NetlinkMessages} reads the framing).
 */
final class LinkMessages {
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
            if (type == RTM_NEWLINK() || type == RTM_DELLINK()) {
                readLink(type, payload, events);
            } // Messages of other groups: nothing to us.
        });
        return new Parsed(events, walk.complete(), walk.problems());
    }

    private static void readLink(int type, MemorySegment message, List<LinkEvent> events) {
        NetlinkMessages.requireHeader(message, ifinfomsg.layout(), "link message");
        // RTMGRP_LINK also carries bridge port notifications (family AF_BRIDGE):
        // RTM_DELLINK there means "no longer a bridge port", not "deleted".
        if (ifinfomsg.ifi_family(message) != AF_UNSPEC()) {
            return;
        }
        int index = ifinfomsg.ifi_index(message);
        String[] name = {null};
        NetlinkMessages.attributes(message, ifinfomsg.sizeof(), "link", (attribute, value) -> {
            if (attribute == IFLA_IFNAME()) {
                name[0] = NetlinkMessages.cString(value);
            }
        });
        if (index <= 0 || name[0] == null || name[0].isEmpty()) {
            throw new NetlinkMessages.Malformed("link message without an interface index and name (index " + index + ")");
        }
        events.add(new LinkEvent(type == RTM_NEWLINK() ? LinkEvent.Kind.PRESENT : LinkEvent.Kind.REMOVED, index, name[0]));
    }
}
