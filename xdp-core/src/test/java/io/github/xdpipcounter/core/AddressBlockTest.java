package io.github.xdpipcounter.core;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static io.github.xdpipcounter.testing.Frames.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressBlockTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // IPv4, host bits cleared
            "10.0.0.0/8,              10.0.0.0/8,           IPV4, 8",
            "' 10.0.0.0/8 ',          10.0.0.0/8,           IPV4, 8",
            "10.1.2.3/8,              10.0.0.0/8,           IPV4, 8",
            "192.0.2.7,               192.0.2.7/32,         IPV4, 32",
            "192.0.2.7/32,            192.0.2.7/32,         IPV4, 32",
            "0.0.0.0/0,               0.0.0.0/0,            IPV4, 0",
            "255.255.255.255/0,       0.0.0.0/0,            IPV4, 0",
            "172.31.255.255/12,       172.16.0.0/12,        IPV4, 12",
            // IPv6, in RFC 5952 text
            "2001:db8::/32,           2001:db8::/32,        IPV6, 32",
            "2001:DB8:0:0::/32,       2001:db8::/32,        IPV6, 32",
            "2001:db8::7,             2001:db8::7/128,      IPV6, 128",
            "2001:db8::7/127,         2001:db8::6/127,      IPV6, 127",
            "::/0,                    ::/0,                 IPV6, 0",
            "ffff::1/1,               8000::/1,             IPV6, 1",
            // IPv4-mapped and embedded IPv4 stay IPv6
            "::ffff:10.0.0.0/104,     ::ffff:10.0.0.0/104,  IPV6, 104",
            "::ffff:10.1.2.3,         ::ffff:10.1.2.3/128,  IPV6, 128",
            "::ffff:0:0/96,           ::ffff:0.0.0.0/96,    IPV6, 96",
            "64:ff9b::8.8.8.8/96,     64:ff9b::/96,         IPV6, 96",
    })
    void parsesAndNormalises(String text, String canonical, Network network, int prefixLength) {
        AddressBlock block = AddressBlock.parse(text);
        assertThat(block).hasToString(canonical);
        assertThat(block.network()).isEqualTo(network);
        assertThat(block.prefixLength()).isEqualTo(prefixLength);
        assertThat(AddressBlock.parse(canonical)).isEqualTo(block);
    }

    static Stream<Arguments> badBlocks() {
        return Stream.of(
                // nothing
                bad("", "empty address block: expected a CIDR like 10.0.0.0/8 or 2001:db8::/32"),
                bad("   ", "empty address block"),
                // the prefix length
                bad("10.0.0.0/33", "prefix length 33 in '10.0.0.0/33' is too long: an IPv4 prefix is 0 to 32 bits"),
                bad("2001:db8::/129", "prefix length 129 in '2001:db8::/129' is too long: an IPv6 prefix is 0 to 128 bits"),
                bad("10.0.0.0/", "'10.0.0.0/' has no valid prefix length after '/': expected 0 to 32, as in 10.0.0.0/8"),
                bad("10.0.0.0/-1", "has no valid prefix length after '/'"),
                bad("10.0.0.0/+8", "has no valid prefix length after '/'"),
                bad("10.0.0.0/8/9", "has no valid prefix length after '/'"),
                bad("::/1000", "'::/1000' has no valid prefix length after '/': expected 0 to 128, as in 2001:db8::/32"),
                // IPv4: four decimal numbers, no names
                bad("10.0.0/8", "'10.0.0/8' is not an address block: expected an IPv4 address of four decimal numbers 0-255"),
                bad("010.0.0.0/8", "'010.0.0.0/8' is not an address block"),
                bad("256.0.0.0/8", "'256.0.0.0/8' is not an address block"),
                bad("1.2.3.4.5", "'1.2.3.4.5' is not an address block"),
                bad("example.com", "'example.com' is not an address block"),
                bad("localhost/8", "'localhost/8' is not an address block"),
                bad("0x7f.0.0.1", "'0x7f.0.0.1' is not an address block"),
                // IPv6: no zone, no brackets, a strict dotted tail
                bad("2001:db8::g/32", "'2001:db8::g/32' is not an address block: '2001:db8::g' is not an IPv6 address"),
                bad(":::/0", "is not an IPv6 address"),
                bad("1:2:3:4:5:6:7:8:9/64", "is not an IPv6 address"),
                bad("fe80::1%eth0/64", "is not an IPv6 address (expected e.g. 2001:db8::/32, without brackets or a %zone)"),
                bad("[::1]/128", "is not an IPv6 address"),
                bad("::ffff:10.0.0/104", "is not an IPv6 address"),
                bad("::ffff:010.0.0.1", "is not an IPv6 address")
        );
    }

    private static Arguments bad(String text, String message) {
        return Arguments.of(text, message);
    }

    @ParameterizedTest(name = "{index}: ''{0}''")
    @MethodSource("badBlocks")
    void refusesWhatIsNotACidrWithAMessageThatSaysWhy(String text, String message) {
        assertThatThrownBy(() -> AddressBlock.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aNullTextIsAnEmptyBlock() {
        assertThatThrownBy(() -> AddressBlock.parse(null)).hasMessageStartingWith("empty address block");
    }

    @Test
    void containsTheAddressesOfItsPrefixOnly() throws Exception {
        AddressBlock tenSlash8 = AddressBlock.parse("10.0.0.0/8");
        assertThat(tenSlash8.contains(InetAddress.getByName("10.0.0.0"))).isTrue();
        assertThat(tenSlash8.contains(InetAddress.getByName("10.255.255.255"))).isTrue();
        assertThat(tenSlash8.contains(InetAddress.getByName("11.0.0.0"))).isFalse();
        assertThat(tenSlash8.contains(InetAddress.getByName("9.255.255.255"))).isFalse();
        AddressBlock doc = AddressBlock.parse("2001:db8::/32");
        assertThat(doc.contains(InetAddress.getByName("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(doc.contains(InetAddress.getByName("2001:db9::"))).isFalse();
        assertThat(doc.contains(InetAddress.getByName("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"))).isFalse();
        AddressBlock pair = AddressBlock.parse("2001:db8::6/127");
        assertThat(List.of("2001:db8::5", "2001:db8::6", "2001:db8::7", "2001:db8::8"))
                .map(a -> pair.contains(InetAddress.getByName(a))).containsExactly(false, true, true, false);
        assertThat(AddressBlock.parse("0.0.0.0/0").contains(InetAddress.getByName("255.255.255.255"))).isTrue();
        assertThat(AddressBlock.parse("0.0.0.0/0").contains(InetAddress.getByName("::"))).isFalse();
        assertThat(AddressBlock.parse("::/0").contains(InetAddress.getByName("10.0.0.1"))).isFalse();
    }

    @Test
    void ipv4MappedAddressesAreIpv6AddressesToBlocks() {
        AddressBlock mappedTen = AddressBlock.parse("::ffff:10.0.0.0/104");
        assertThat(mappedTen.address()).isInstanceOf(Inet6Address.class);
        byte[] mapped = address("::ffff:10.1.2.3");
        assertThat(mapped).hasSize(16);
        assertThat(mappedTen.contains(mapped)).isTrue();
        assertThat(mappedTen.contains(address("10.1.2.3"))).isFalse();
        assertThat(AddressBlock.parse("10.0.0.0/8").contains(mapped)).isFalse();
        AddressBlock host = AddressBlock.of(mapped, 128);
        assertThat(host.network()).isEqualTo(Network.IPV6);
        assertThat(host).hasToString("::ffff:10.1.2.3/128");
    }

    @Test
    void aBlockOfOneAddressKeepsItsNetwork() throws Exception {
        assertThat(AddressBlock.of(InetAddress.getByName("192.0.2.1"))).hasToString("192.0.2.1/32");
        assertThat(AddressBlock.of(InetAddress.getByName("fe80::1%1"))).hasToString("fe80::1/128");
        assertThat(AddressBlock.of(InetAddress.getByName("192.0.2.1")).address()).isInstanceOf(Inet4Address.class);
        assertThatThrownBy(() -> AddressBlock.of(new byte[5], 8)).hasMessage("an address has 4 or 16 bytes, not 5");
        assertThatThrownBy(() -> new AddressBlock(InetAddress.getByName("10.0.0.0"), 33))
                .hasMessage("prefix length 33 is out of range for 10.0.0.0: 0 to 32");
    }

    @Test
    void coversWhatItContainsWhole() {
        AddressBlock ten = AddressBlock.parse("10.0.0.0/8");
        assertThat(ten.covers(AddressBlock.parse("10.1.0.0/16"))).isTrue();
        assertThat(ten.covers(ten)).isTrue();
        assertThat(AddressBlock.parse("10.1.0.0/16").covers(ten)).isFalse();
        assertThat(ten.covers(AddressBlock.parse("11.0.0.0/16"))).isFalse();
        assertThat(AddressBlock.parse("::/0").covers(AddressBlock.parse("::ffff:10.0.0.0/104"))).isTrue();
        assertThat(AddressBlock.parse("0.0.0.0/0").covers(AddressBlock.parse("::ffff:10.0.0.0/104"))).isFalse();
    }

    @Test
    void ordersIpv4FirstThenByAddressThenShorterPrefix() {
        TreeSet<AddressBlock> sorted = new TreeSet<>(List.of(AddressBlock.parse("::/0"), AddressBlock.parse("10.1.0.0/16"),
                AddressBlock.parse("10.0.0.0/16"), AddressBlock.parse("10.0.0.0/8"), AddressBlock.parse("9.0.0.0/8")));
        assertThat(sorted).map(AddressBlock::toString)
                .containsExactly("9.0.0.0/8", "10.0.0.0/8", "10.0.0.0/16", "10.1.0.0/16", "::/0");
    }
}
