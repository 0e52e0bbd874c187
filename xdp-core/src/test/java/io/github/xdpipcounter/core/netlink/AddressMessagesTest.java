package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.internal.netlink.ifaddrmsg;
import io.github.xdpipcounter.core.internal.netlink.nlmsghdr;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.AF_INET;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.AF_INET6;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.IFA_ADDRESS;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.IFA_BROADCAST;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.IFA_LOCAL;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTM_DELADDR;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTM_GETADDR;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTM_NEWADDR;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTM_NEWLINK;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Address messages laid out as the kernel lays them out, read back. */
class AddressMessagesTest {
    @AutoClose
    private final NetlinkDatagrams datagrams = new NetlinkDatagrams();

    @Test
    void anIpv4AddressIsTheLocalOneWithItsPrefixAndBroadcast() throws Exception {
        AddressMessages.Change change = read(RTM_NEWADDR(), ipv4(3, 24,
                attribute(IFA_ADDRESS(), "192.0.2.1"), attribute(IFA_LOCAL(), "192.0.2.1"),
                attribute(IFA_BROADCAST(), "192.0.2.255"),
                datagrams.attribute(3 /* IFA_LABEL */, NetlinkDatagrams.nulTerminated("eth0".getBytes(StandardCharsets.US_ASCII)))));

        assertThat(change.present()).isTrue();
        assertThat(change.address()).isEqualTo(new LocalAddress(3, InetAddress.getByName("192.0.2.1"), 24,
                Optional.of((Inet4Address) InetAddress.getByName("192.0.2.255"))));
        assertThat(change.address()).hasToString("3: 192.0.2.1/24 brd 192.0.2.255");
    }

    @Test
    void anIpv6AddressHasNoBroadcastAndAMappedOneStaysIpv6() throws Exception {
        AddressMessages.Change change = read(RTM_DELADDR(), ipv6(7, 64, attribute(IFA_ADDRESS(), "2001:db8::1"),
                datagrams.attribute(6 /* IFA_CACHEINFO */, new byte[16])));
        AddressMessages.Change mapped = read(RTM_NEWADDR(), ipv6(7, 128, attribute(IFA_ADDRESS(), "::ffff:10.0.0.1")));

        assertThat(change.present()).isFalse();
        assertThat(change.address()).isEqualTo(
                new LocalAddress(7, InetAddress.getByName("2001:db8::1"), 64, Optional.empty()));
        assertThat(change.address()).hasToString("7: 2001:db8:0:0:0:0:0:1/64");
        assertThat(mapped.address().address()).isInstanceOf(Inet6Address.class);
    }

    @Test
    void onAPointToPointLinkTheAddressIsTheLocalOneAndEachPeerIsAnEntryOfItsOwn() throws Exception {
        AddressMessages.Change toPeer2 = read(RTM_NEWADDR(), ipv4(4, 32,
                attribute(IFA_LOCAL(), "10.0.0.1"), attribute(IFA_ADDRESS(), "10.0.0.2")));
        AddressMessages.Change toPeer3 = read(RTM_NEWADDR(), ipv4(4, 32,
                attribute(IFA_LOCAL(), "10.0.0.1"), attribute(IFA_ADDRESS(), "10.0.0.3")));

        assertThat(toPeer2.address()).isEqualTo(toPeer3.address())
                .isEqualTo(new LocalAddress(4, InetAddress.getByName("10.0.0.1"), 32, Optional.empty()));
        assertThat(toPeer2.key()).isNotEqualTo(toPeer3.key());
    }

    @Test
    void otherFamiliesAndOtherTypesAreNotAddresses() throws Exception {
        byte[] decnet = datagrams.struct(ifaddrmsg.layout(), s -> {
            s.set(JAVA_BYTE, 0, (byte) 12);
            s.set(JAVA_INT, 4, 3);
        });

        assertThat(read(RTM_NEWADDR(), decnet)).isNull();
        assertThat(read(RTM_NEWLINK(), ipv4(3, 24, attribute(IFA_LOCAL(), "192.0.2.1")))).isNull();
    }

    @Test
    void malformedMessagesSayWhatIsWrong() throws Exception {
        assertThatThrownBy(() -> read(RTM_NEWADDR(), new byte[4]))
                .hasMessage("address message of 4 bytes is shorter than struct ifaddrmsg");
        assertThatThrownBy(() -> read(RTM_NEWADDR(), ipv4(3, 24, attribute(IFA_LOCAL(), "2001:db8::1"))))
                .hasMessage("address attribute 2 of 16 bytes in a family of 4-byte addresses");
        assertThatThrownBy(() -> read(RTM_NEWADDR(), ipv4(3, 24, attribute(IFA_BROADCAST(), "192.0.2.255"))))
                .hasMessage("address message without an address and an interface index (index 3)");
        assertThatThrownBy(() -> read(RTM_NEWADDR(), ipv4(3, 33, attribute(IFA_LOCAL(), "192.0.2.1"))))
                .hasMessage("address message: prefix length 33 for 192.0.2.1: must be 0 to 32");
    }

    @Test
    void theDumpRequestAsksForEveryFamily() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment request = AddressMessages.dumpRequest(arena, 42);

            assertThat(request.byteSize()).isEqualTo(nlmsghdr.sizeof() + ifaddrmsg.sizeof());
            assertThat(request.get(JAVA_INT, 0)).isEqualTo((int) request.byteSize());
            assertThat(request.get(JAVA_SHORT, 4)).isEqualTo((short) RTM_GETADDR());
            assertThat(request.get(JAVA_SHORT, 6)).isEqualTo((short) 0x301); // NLM_F_REQUEST | NLM_F_DUMP
            assertThat(request.get(JAVA_INT, 8)).isEqualTo(42);
            assertThat(request.get(JAVA_BYTE, nlmsghdr.sizeof())).isEqualTo((byte) 0); // AF_UNSPEC
        }
    }

    private AddressMessages.Change read(int type, byte[] payload) {
        return AddressMessages.read(type, datagrams.datagram(payload));
    }

    private byte[] ipv4(int index, int prefixLength, byte[]... attributes) {
        return address(AF_INET(), index, prefixLength, attributes);
    }

    private byte[] ipv6(int index, int prefixLength, byte[]... attributes) {
        return address(AF_INET6(), index, prefixLength, attributes);
    }

    private byte[] address(int family, int index, int prefixLength, byte[]... attributes) {
        return NetlinkDatagrams.concat(datagrams.ifaddrmsg(family, index, prefixLength), NetlinkDatagrams.concat(attributes));
    }

    private byte[] attribute(int type, String address) throws UnknownHostException {
        return datagrams.addressAttribute(type, address);
    }
}
