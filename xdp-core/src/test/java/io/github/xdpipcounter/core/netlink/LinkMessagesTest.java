package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.internal.netlink.ifinfomsg;
import io.github.xdpipcounter.core.internal.netlink.nlmsghdr;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.ENOBUFS;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.IFLA_IFNAME;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NLMSG_DONE;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NLMSG_ERROR;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NLMSG_NOOP;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTM_DELLINK;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTM_NEWLINK;
import static io.github.xdpipcounter.core.netlink.NetlinkDatagrams.nulTerminated;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;

/** Datagrams laid out as the kernel lays them out, read back into events. */
class LinkMessagesTest {
    private static final int AF_BRIDGE = 7;
    private static final int IFLA_MTU = 4;

    @AutoClose
    private final NetlinkDatagrams datagrams = new NetlinkDatagrams();

    @Test
    void readsEveryMessageOfADatagramInOrder() {
        MemorySegment datagram = datagram(
                link(RTM_NEWLINK(), 0, 7, "dummy0"),
                link(RTM_NEWLINK(), 0, 8, "veth1"),
                link(RTM_DELLINK(), 0, 7, "dummy0"));

        LinkMessages.Parsed parsed = LinkMessages.parse(datagram);

        assertThat(parsed.events()).containsExactly(
                new LinkEvent(LinkEvent.Kind.PRESENT, 7, "dummy0"),
                new LinkEvent(LinkEvent.Kind.PRESENT, 8, "veth1"),
                new LinkEvent(LinkEvent.Kind.REMOVED, 7, "dummy0"));
        assertThat(parsed.complete()).isTrue();
        assertThat(parsed.problems()).isEmpty();
    }

    @Test
    void findsTheNameAmongOtherAttributesOfOddLengths() {
        byte[] name = "a-fifteen-chars".getBytes(StandardCharsets.US_ASCII); // 15 + NUL: no padding
        MemorySegment datagram = datagram(message(RTM_NEWLINK(), ifinfomsg(0, 12),
                attribute(IFLA_MTU, new byte[] {(byte) 0xdc, 5, 0, 0}),
                attribute(99, new byte[] {1, 2, 3}), // 7 bytes: padded to 8
                attribute(IFLA_IFNAME(), nulTerminated(name))));

        assertThat(LinkMessages.parse(datagram).events())
                .containsExactly(new LinkEvent(LinkEvent.Kind.PRESENT, 12, "a-fifteen-chars"));
    }

    @Test
    void bridgePortNotificationsAreNotLinkEvents() {
        // Removing a port from a bridge sends RTM_DELLINK of family AF_BRIDGE: the link itself stays.
        MemorySegment datagram = datagram(link(RTM_DELLINK(), AF_BRIDGE, 7, "veth1"));

        LinkMessages.Parsed parsed = LinkMessages.parse(datagram);

        assertThat(parsed.events()).isEmpty();
        assertThat(parsed.complete()).isTrue();
    }

    @Test
    void doneEndsTheDatagramAndNoopAndOtherTypesAreSkipped() {
        MemorySegment datagram = datagram(
                message(NLMSG_NOOP()),
                message(20 /* RTM_NEWADDR */, new byte[16]),
                link(RTM_NEWLINK(), 0, 3, "eth0"),
                message(NLMSG_DONE(), new byte[4]),
                link(RTM_NEWLINK(), 0, 4, "eth1"));

        LinkMessages.Parsed parsed = LinkMessages.parse(datagram);

        assertThat(parsed.events()).containsExactly(new LinkEvent(LinkEvent.Kind.PRESENT, 3, "eth0"));
        assertThat(parsed.complete()).isTrue();
    }

    @Test
    void anErrorMessageIsReportedAndAnAcknowledgementIsNot() {
        MemorySegment datagram = datagram(
                message(NLMSG_ERROR(), hostInt(0), new byte[16]),
                message(NLMSG_ERROR(), hostInt(-ENOBUFS()), new byte[16]),
                link(RTM_NEWLINK(), 0, 3, "eth0"));

        LinkMessages.Parsed parsed = LinkMessages.parse(datagram);

        assertThat(parsed.events()).containsExactly(new LinkEvent(LinkEvent.Kind.PRESENT, 3, "eth0"));
        assertThat(parsed.problems()).containsExactly("the kernel reported ENOBUFS (no buffer space available)");
    }

    @Test
    void aTruncatedDatagramGivesItsWholeMessagesAndSaysItIsIncomplete() {
        MemorySegment whole = datagram(
                link(RTM_NEWLINK(), 0, 3, "eth0"),
                link(RTM_DELLINK(), 0, 4, "eth1"));
        long firstLength = Integer.toUnsignedLong(whole.get(JAVA_INT, 0));

        for (long cut : new long[] {firstLength + 2, firstLength + nlmsghdr.sizeof() + 3, whole.byteSize() - 1}) {
            LinkMessages.Parsed parsed = LinkMessages.parse(whole.asSlice(0, cut));
            assertThat(parsed.events()).as("cut at %d", cut).containsExactly(new LinkEvent(LinkEvent.Kind.PRESENT, 3, "eth0"));
            assertThat(parsed.complete()).as("cut at %d", cut).isFalse();
        }
    }

    @Test
    void malformedLengthsStopTheDatagramWithoutReadingPastIt() {
        MemorySegment tooShort = datagram(link(RTM_NEWLINK(), 0, 3, "eth0"));
        tooShort.set(JAVA_INT, 0, 8); // nlmsg_len smaller than the header
        MemorySegment tooLong = datagram(link(RTM_NEWLINK(), 0, 3, "eth0"));
        tooLong.set(JAVA_INT, 0, Integer.MAX_VALUE);
        MemorySegment badAttribute = datagram(message(RTM_NEWLINK(), ifinfomsg(0, 3),
                attribute(IFLA_IFNAME(), nulTerminated("eth0".getBytes(StandardCharsets.US_ASCII)))));
        badAttribute.set(JAVA_SHORT, nlmsghdr.sizeof() + ifinfomsg.sizeof(), (short) 200); // rta_len past the end
        MemorySegment noIfinfomsg = datagram(message(RTM_DELLINK(), new byte[8]));
        MemorySegment noName = datagram(message(RTM_DELLINK(), ifinfomsg(0, 3)));

        for (MemorySegment datagram : List.of(tooShort, tooLong, badAttribute, noIfinfomsg, noName)) {
            LinkMessages.Parsed parsed = LinkMessages.parse(datagram);
            assertThat(parsed.events()).isEmpty();
            assertThat(parsed.complete()).isFalse();
            assertThat(parsed.problems()).hasSize(1);
        }
    }

    @Test
    void aNameWithoutItsNulIsReadToTheEndOfTheAttribute() {
        MemorySegment datagram = datagram(message(RTM_NEWLINK(), ifinfomsg(0, 5),
                attribute(IFLA_IFNAME(), "abcd".getBytes(StandardCharsets.US_ASCII))));

        assertThat(LinkMessages.parse(datagram).events()).containsExactly(new LinkEvent(LinkEvent.Kind.PRESENT, 5, "abcd"));
    }

    private byte[] link(int type, int family, int index, String name) {
        return message(type, ifinfomsg(family, index),
                attribute(IFLA_IFNAME(), nulTerminated(name.getBytes(StandardCharsets.UTF_8))));
    }

    private byte[] ifinfomsg(int family, int index) {
        return datagrams.struct(ifinfomsg.layout(), s -> {
            s.set(JAVA_BYTE, 0, (byte) family);
            ifinfomsg.ifi_index(s, index);
        });
    }

    private byte[] attribute(int type, byte[] payload) {
        return datagrams.attribute(type, payload);
    }

    private byte[] message(int type, byte[]... parts) {
        return datagrams.message(type, parts);
    }

    private MemorySegment datagram(byte[]... messages) {
        return datagrams.datagram(messages);
    }

    private byte[] hostInt(int value) {
        return datagrams.hostInt(value);
    }
}
