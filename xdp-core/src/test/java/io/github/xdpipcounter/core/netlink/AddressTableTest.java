package io.github.xdpipcounter.core.netlink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.AF_INET;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.AF_INET6;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.EBUSY;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.ENOMEM;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.IFA_ADDRESS;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.IFA_LOCAL;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NLMSG_DONE;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NLMSG_ERROR;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NLM_F_DUMP_INTR;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTM_DELADDR;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTM_NEWADDR;
import static org.assertj.core.api.Assertions.assertThat;

/** A dump and the notifications around it, as a monitor's socket receives them. */
class AddressTableTest {
    private static final int MULTI = 0x2; // NLM_F_MULTI: a dump's part

    @AutoClose
    private final NetlinkDatagrams datagrams = new NetlinkDatagrams();
    private final AddressTable table = new AddressTable();

    @Test
    void aDumpGivesTheFirstSnapshotWhenItEndsAndNotificationsDuringItCount() throws Exception {
        assertThat(table.needsDump()).isTrue();
        table.dumpStarted(5);
        assertThat(table.needsDump()).isFalse();

        read(ipv4(RTM_NEWADDR(), MULTI, 5, 2, "192.0.2.1"), ipv6(RTM_NEWADDR(), MULTI, 5, 1, "::1"));
        assertThat(table.snapshot()).as("before the dump ends").isNull();
        read(ipv4(RTM_NEWADDR(), 0, 5, 3, "198.51.100.1"), // a notification, numbered by whoever made the change
                ipv4(RTM_DELADDR(), 0, 99, 2, "192.0.2.1"),
                ipv6(RTM_NEWADDR(), MULTI, 5, 3, "2001:db8::1"),
                done(5, 0));

        assertThat(table.dumping()).isFalse();
        assertThat(table.needsDump()).isFalse();
        assertThat(table.snapshot()).containsExactly(
                address(1, "::1", 64), address(3, "198.51.100.1", 24), address(3, "2001:db8::1", 64));
    }

    @Test
    void notificationsQueuedBeforeTheDumpsFirstPartAreOlderThanItAndSkipped() throws Exception {
        table.dumpStarted(5);
        // Queued before the dump was built, and perhaps before a removal the kernel dropped: the dump knows better.
        read(ipv4(RTM_NEWADDR(), 0, 5, 2, "192.0.2.1"), ipv4(RTM_NEWADDR(), 0, 0, 2, "192.0.2.2"));
        read(ipv6(RTM_NEWADDR(), MULTI, 5, 1, "::1"), ipv4(RTM_NEWADDR(), 0, 0, 2, "192.0.2.3"), done(5, 0));

        assertThat(table.snapshot()).containsExactly(address(1, "::1", 64), address(2, "192.0.2.3", 24));
    }

    @Test
    void notificationsAfterTheDumpChangeTheSnapshotAndAnEmptyDumpIsASnapshot() throws Exception {
        dumped(1);
        assertThat(table.snapshot()).isEmpty();

        read(ipv4(RTM_NEWADDR(), 0, 0, 2, "192.0.2.1"));
        List<LocalAddress> one = table.snapshot();
        read(ipv4(RTM_DELADDR(), 0, 0, 2, "192.0.2.1"));

        assertThat(one).containsExactly(address(2, "192.0.2.1", 24));
        assertThat(table.snapshot()).isEmpty();
    }

    @Test
    void twoPeersOfOneAddressAreOneAddressUntilBothAreGone() throws Exception {
        dumped(1, pointToPoint(RTM_NEWADDR(), MULTI, 1, "10.0.0.2"), pointToPoint(RTM_NEWADDR(), MULTI, 1, "10.0.0.3"));
        assertThat(table.snapshot()).containsExactly(address(4, "10.0.0.1", 32));

        read(pointToPoint(RTM_DELADDR(), 0, 0, "10.0.0.2"));
        assertThat(table.snapshot()).containsExactly(address(4, "10.0.0.1", 32));
        read(pointToPoint(RTM_DELADDR(), 0, 0, "10.0.0.3"));
        assertThat(table.snapshot()).isEmpty();
    }

    @Test
    void anInterruptedDumpIsASnapshotThatAsksForAnotherDump() throws Exception {
        dumped(1, ipv4(RTM_NEWADDR(), MULTI | NLM_F_DUMP_INTR(), 1, 2, "192.0.2.1"));

        assertThat(table.snapshot()).containsExactly(address(2, "192.0.2.1", 24));
        assertThat(table.needsDump()).isTrue();
    }

    @Test
    void notificationsLostDuringADumpAskForAnotherOneAfterIt() throws Exception {
        table.dumpStarted(1);
        table.lost();
        assertThat(table.needsDump()).as("not while a dump runs").isFalse();
        read(done(1, 0));

        assertThat(table.needsDump()).isTrue();
    }

    @Test
    void aRefusedOrFailedDumpKeepsThePreviousSnapshot() throws Exception {
        dumped(1, ipv4(RTM_NEWADDR(), MULTI, 1, 2, "192.0.2.1"));
        List<LocalAddress> before = table.snapshot();

        table.dumpStarted(2);
        read(datagrams.message(NLMSG_ERROR(), 0, 2, datagrams.hostInt(-EBUSY()), new byte[16]));
        assertThat(table.dumpError()).isEqualTo(EBUSY());
        assertThat(table.needsDump()).isTrue();
        assertThat(table.snapshot()).isEqualTo(before);

        table.dumpStarted(3);
        read(ipv4(RTM_NEWADDR(), MULTI, 3, 5, "203.0.113.1"), done(3, -ENOMEM()));
        assertThat(table.dumpError()).isEqualTo(ENOMEM());
        assertThat(table.snapshot()).isEqualTo(before);

        dumped(4);
        assertThat(table.dumpError()).isZero();
        assertThat(table.snapshot()).isEmpty();
    }

    @Test
    void theEndOfAnotherDumpIsNotTheEndOfOurs() throws Exception {
        table.dumpStarted(7);
        read(done(6, 0));

        assertThat(table.dumping()).isTrue();
        assertThat(table.snapshot()).isNull();
    }

    @Test
    void anUnreadableDatagramSaysWhyAndAsksForADump() throws Exception {
        dumped(1);
        byte[] truncated = ipv4(RTM_NEWADDR(), 0, 0, 2, "192.0.2.1");

        String problem = table.read(datagrams.datagram(truncated).asSlice(0, truncated.length - 4));

        assertThat(problem).contains("does not fit");
        assertThat(table.needsDump()).isTrue();
    }

    /** A whole dump numbered {@code sequence} of these parts. */
    private void dumped(int sequence, byte[]... parts) {
        table.dumpStarted(sequence);
        read(NetlinkDatagrams.concat(NetlinkDatagrams.concat(parts), done(sequence, 0)));
    }

    private void read(byte[]... messages) {
        assertThat(table.read(datagrams.datagram(messages))).isNull();
    }

    private byte[] done(int sequence, int error) {
        return datagrams.message(NLMSG_DONE(), MULTI, sequence, datagrams.hostInt(error));
    }

    /** An IPv4 /24 as the kernel announces it, IFA_ADDRESS and IFA_LOCAL both. */
    private byte[] ipv4(int type, int flags, int sequence, int index, String address) throws UnknownHostException {
        return datagrams.message(type, flags, sequence, datagrams.ifaddrmsg(AF_INET(), index, 24),
                datagrams.addressAttribute(IFA_ADDRESS(), address), datagrams.addressAttribute(IFA_LOCAL(), address));
    }

    /** An IPv6 /64: IFA_ADDRESS only. */
    private byte[] ipv6(int type, int flags, int sequence, int index, String address) throws UnknownHostException {
        return datagrams.message(type, flags, sequence, datagrams.ifaddrmsg(AF_INET6(), index, 64),
                datagrams.addressAttribute(IFA_ADDRESS(), address));
    }

    /** 10.0.0.1 on interface 4 with a peer. */
    private byte[] pointToPoint(int type, int flags, int sequence, String peer) throws UnknownHostException {
        return datagrams.message(type, flags, sequence, datagrams.ifaddrmsg(AF_INET(), 4, 32),
                datagrams.addressAttribute(IFA_ADDRESS(), peer), datagrams.addressAttribute(IFA_LOCAL(), "10.0.0.1"));
    }

    private static LocalAddress address(int index, String address, int prefixLength) throws UnknownHostException {
        return new LocalAddress(index, InetAddress.getByName(address), prefixLength, Optional.empty());
    }
}
