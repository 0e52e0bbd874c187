package io.github.xdpipcounter.core;

import java.math.BigInteger;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressSetTest {

    @Test
    void namedSetsHoldTheirBlocks() {
        assertThat(names(AddressSet.LOOPBACK)).containsExactly("127.0.0.0/8", "::1/128");
        assertThat(names(AddressSet.PRIVATE)).containsExactly("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7");
        assertThat(names(AddressSet.LINK_LOCAL)).containsExactly("169.254.0.0/16", "fe80::/10");
        assertThat(names(AddressSet.CGNAT)).containsExactly("100.64.0.0/10");
    }

    @Test
    void nonGlobalIsTheIpv4RegistryLessItsGloballyReachableEntries() {
        // 192.0.0.0/24 less 192.0.0.9 and 192.0.0.10, in the fewest blocks halving gives.
        assertThat(names(AddressSet.NON_GLOBAL).stream().filter(n -> !n.contains(":")).toList()).containsExactly(
                "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
                "192.0.0.0/29", "192.0.0.8/32", "192.0.0.11/32", "192.0.0.12/30", "192.0.0.16/28", "192.0.0.32/27",
                "192.0.0.64/26", "192.0.0.128/25", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
                "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "0.255.255.255", "10.0.0.1", "127.0.0.1", "127.255.255.255", "100.64.0.0",
            "100.127.255.255", "169.254.0.1", "172.16.0.1", "172.31.255.255", "192.0.0.0", "192.0.0.8", "192.0.0.11",
            "192.0.0.170", "192.0.0.171", "192.0.0.255", "192.0.2.1", "192.168.255.255", "198.18.0.0", "198.19.255.255",
            "198.51.100.7", "203.0.113.200", "240.0.0.0", "255.255.255.255",
            "::", "::1", "::ffff:8.8.8.8", "64:ff9b:1::1", "100::1", "100:0:0:1::1", "2001::1", "2001:0:ffff::1",
            "2001:1::4", "2001:2::1", "2001:10::1", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::1",
            "3fff::1", "3fff:fff:ffff::1", "5f00::1", "fc00::1", "fdff:ffff::1", "fe80::1", "febf:ffff::1"})
    void nonGlobalHoldsWhatIsNotGloballyReachable(String address) {
        assertThat(AddressSet.NON_GLOBAL.contains(PacketTableTest.inet(address))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
            "172.15.255.255", "172.32.0.0", "192.0.0.9", "192.0.0.10", "192.0.1.0", "192.0.3.0", "192.88.99.1",
            "192.31.196.1", "192.52.193.1", "192.175.48.1", "198.17.255.255", "198.20.0.0", "224.0.0.1", "239.255.255.250",
            "239.255.255.255",
            "::2", "64:ff9b::808:808", "100:0:0:2::1", "2001:1::1", "2001:1::2", "2001:1::3", "2001:3::1",
            "2001:4:112::1", "2001:20::1", "2001:30::1", "2001:200::", "2001:4860:4860::8888", "2002:808:808::1",
            "2606:4700::1", "4000::1", "5f01::1", "fbff:ffff::1", "fe00::1", "fec0::1", "ff02::1"})
    void nonGlobalLeavesGloballyReachableAddressesOut(String address) {
        assertThat(AddressSet.NON_GLOBAL.contains(PacketTableTest.inet(address))).isFalse();
    }

    @Test
    void noBlockOfASetOverlapsAnother() {
        for (AddressSet set : AddressSet.values()) {
            List<AddressBlock> blocks = set.blocks();
            for (AddressBlock a : blocks) {
                for (AddressBlock b : blocks) {
                    if (a != b) {
                        assertThat(a.covers(b)).as(set + ": " + a + " covers " + b).isFalse();
                    }
                }
            }
        }
    }

    @Test
    void nonGlobalIpv6SizeIsTheRegistryLessItsExceptions() {
        // Sizes in addresses: what the halving kept is exactly the listed blocks less the listed exceptions.
        BigInteger kept = AddressSet.NON_GLOBAL.blocks().stream().filter(b -> b.network() == Network.IPV6)
                .map(AddressSetTest::size).reduce(BigInteger.ZERO, BigInteger::add);
        BigInteger listed = sum("::1/128", "::/128", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64",
                "2001::/23", "2001:db8::/32", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10");
        BigInteger holes = sum("2001:1::1/128", "2001:1::2/128", "2001:1::3/128", "2001:3::/32", "2001:4:112::/48",
                "2001:20::/28", "2001:30::/28");
        assertThat(kept).isEqualTo(listed.subtract(holes));
    }

    @Test
    void namesAreLowerCaseWithDashes() {
        assertThat(AddressSet.byText("non-global")).isEqualTo(AddressSet.NON_GLOBAL);
        assertThat(AddressSet.byText(" Link-Local ")).isEqualTo(AddressSet.LINK_LOCAL);
        assertThat(AddressSet.byText("cgnat")).isEqualTo(AddressSet.CGNAT);
        assertThat(AddressSet.PRIVATE).hasToString("private");
        assertThatThrownBy(() -> AddressSet.byText("local"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown address set 'local': expected one of loopback, private, link-local, cgnat, non-global");
    }

    private static List<String> names(AddressSet set) {
        return set.blocks().stream().map(AddressBlock::toString).toList();
    }

    private static BigInteger size(AddressBlock block) {
        return BigInteger.ONE.shiftLeft(block.bytes().length * 8 - block.prefixLength());
    }

    private static BigInteger sum(String... blocks) {
        BigInteger total = BigInteger.ZERO;
        for (String block : blocks) {
            total = total.add(size(AddressBlock.parse(block)));
        }
        return total;
    }
}
