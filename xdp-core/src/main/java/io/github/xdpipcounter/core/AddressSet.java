package io.github.xdpipcounter.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Named sets of address blocks, for source and destination filters.
 *
 * <p>{@link #NON_GLOBAL} is every entry of the IANA IPv4 and IPv6
 * Special-Purpose Address Registries (RFC 6890, updated by RFC 8190) whose
 * "Globally Reachable" field is False, less the more specific entries of
 * those blocks that are globally reachable, as the registries' footnotes
 * say. As of the registries updated in 2025 (RFC 9780), the entries are:
 *
 * <table>
 * <caption>IPv4, not globally reachable</caption>
 * <tr><th>block</th><th>name</th><th>RFC</th></tr>
 * <tr><td>0.0.0.0/8</td><td>"This network" (with 0.0.0.0/32, "this host on this network")</td><td>RFC 791, RFC 1122</td></tr>
 * <tr><td>10.0.0.0/8</td><td>Private-Use</td><td>RFC 1918</td></tr>
 * <tr><td>100.64.0.0/10</td><td>Shared Address Space</td><td>RFC 6598</td></tr>
 * <tr><td>127.0.0.0/8</td><td>Loopback</td><td>RFC 1122</td></tr>
 * <tr><td>169.254.0.0/16</td><td>Link Local</td><td>RFC 3927</td></tr>
 * <tr><td>172.16.0.0/12</td><td>Private-Use</td><td>RFC 1918</td></tr>
 * <tr><td>192.0.0.0/24</td><td>IETF Protocol Assignments (with 192.0.0.0/29, 192.0.0.8/32,
 *     192.0.0.170/32, 192.0.0.171/32), except 192.0.0.9/32 (PCP anycast, RFC 7723) and
 *     192.0.0.10/32 (TURN anycast, RFC 8155)</td><td>RFC 6890</td></tr>
 * <tr><td>192.0.2.0/24</td><td>Documentation (TEST-NET-1)</td><td>RFC 5737</td></tr>
 * <tr><td>192.168.0.0/16</td><td>Private-Use</td><td>RFC 1918</td></tr>
 * <tr><td>198.18.0.0/15</td><td>Benchmarking</td><td>RFC 2544</td></tr>
 * <tr><td>198.51.100.0/24</td><td>Documentation (TEST-NET-2)</td><td>RFC 5737</td></tr>
 * <tr><td>203.0.113.0/24</td><td>Documentation (TEST-NET-3)</td><td>RFC 5737</td></tr>
 * <tr><td>240.0.0.0/4</td><td>Reserved (with 255.255.255.255/32, Limited Broadcast, RFC 8190)</td><td>RFC 1112</td></tr>
 * </table>
 *
 * <table>
 * <caption>IPv6, not globally reachable</caption>
 * <tr><th>block</th><th>name</th><th>RFC</th></tr>
 * <tr><td>::1/128</td><td>Loopback Address</td><td>RFC 4291</td></tr>
 * <tr><td>::/128</td><td>Unspecified Address</td><td>RFC 4291</td></tr>
 * <tr><td>::ffff:0:0/96</td><td>IPv4-mapped Address</td><td>RFC 4291</td></tr>
 * <tr><td>64:ff9b:1::/48</td><td>IPv4-IPv6 Translation</td><td>RFC 8215</td></tr>
 * <tr><td>100::/64</td><td>Discard-Only Address Block</td><td>RFC 6666</td></tr>
 * <tr><td>100:0:0:1::/64</td><td>Dummy IPv6 Prefix</td><td>RFC 9780</td></tr>
 * <tr><td>2001::/23</td><td>IETF Protocol Assignments (with 2001:2::/48, Benchmarking, RFC 5180),
 *     except 2001:1::1/128 (PCP anycast, RFC 7723), 2001:1::2/128 (TURN anycast, RFC 8155),
 *     2001:1::3/128 (DNS-SD SRP anycast, RFC 9665), 2001:3::/32 (AMT, RFC 7450),
 *     2001:4:112::/48 (AS112-v6, RFC 7535), 2001:20::/28 (ORCHIDv2, RFC 7343) and
 *     2001:30::/28 (Drone Remote ID DETs, RFC 9374)</td><td>RFC 2928</td></tr>
 * <tr><td>2001:db8::/32</td><td>Documentation</td><td>RFC 3849</td></tr>
 * <tr><td>3fff::/20</td><td>Documentation</td><td>RFC 9637</td></tr>
 * <tr><td>5f00::/16</td><td>Segment Routing (SRv6) SIDs</td><td>RFC 9602</td></tr>
 * <tr><td>fc00::/7</td><td>Unique-Local</td><td>RFC 4193</td></tr>
 * <tr><td>fe80::/10</td><td>Link-Local Unicast</td><td>RFC 4291</td></tr>
 * </table>
 *
 * Entries whose field is "N/A" (192.88.99.0/24, the deprecated 6to4 relay
 * anycast; 2002::/16, 6to4) are not in the set, and neither are multicast
 * blocks (224.0.0.0/4, ff00::/8), which are not in these registries.
 * Teredo (2001::/32) lies within 2001::/23 and is in the set.
 */
public enum AddressSet {
    /** 127.0.0.0/8 and ::1/128. */
    LOOPBACK("loopback", List.of("127.0.0.0/8", "::1/128"), List.of()),
    /** The RFC 1918 blocks and RFC 4193 unique local addresses, fc00::/7. */
    PRIVATE("private", List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"), List.of()),
    /** 169.254.0.0/16 (RFC 3927) and fe80::/10 (RFC 4291). */
    LINK_LOCAL("link-local", List.of("169.254.0.0/16", "fe80::/10"), List.of()),
    /** Carrier-grade NAT's shared address space, 100.64.0.0/10 (RFC 6598). */
    CGNAT("cgnat", List.of("100.64.0.0/10"), List.of()),
    /** Every special-purpose block that is not globally reachable: see the class description. */
    NON_GLOBAL("non-global", List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
            "203.0.113.0/24", "240.0.0.0/4",
            "::1/128", "::/128", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "2001::/23",
            "2001:db8::/32", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10"),
            List.of("192.0.0.9/32", "192.0.0.10/32",
                    "2001:1::1/128", "2001:1::2/128", "2001:1::3/128", "2001:3::/32", "2001:4:112::/48",
                    "2001:20::/28", "2001:30::/28"));

    private final String text;
    private final List<AddressBlock> blocks;

    AddressSet(String text, List<String> blocks, List<String> globallyReachable) {
        this.text = text;
        List<AddressBlock> holes = globallyReachable.stream().map(AddressBlock::parse).toList();
        List<AddressBlock> out = new ArrayList<>();
        for (String block : blocks) {
            out.addAll(minus(AddressBlock.parse(block), holes));
        }
        this.blocks = out.stream().sorted().toList();
    }

    /**
     * The blocks, IPv4 first, in address order; none overlaps another.
     *
     * @return the blocks, IPv4 first, in address order
     */
    public List<AddressBlock> blocks() {
        return blocks;
    }

    /**
     * Its name in lower case with dashes: "loopback", "private", "link-local", "cgnat", "non-global".
     *
     * @return its name in lower case with dashes
     */
    public String text() {
        return text;
    }

    /**
     * The set named {@code name}, case-insensitively.
     *
     * @param name the name, as on the command line (e.g. {@code non-global})
     * @return the set named {@code name}, case-insensitively
     * @throws IllegalArgumentException listing the known names
     */
    public static AddressSet byText(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (AddressSet set : values()) {
            if (set.text.equals(wanted)) {
                return set;
            }
        }
        throw new IllegalArgumentException("unknown address set '" + name + "': expected one of "
                + Arrays.stream(values()).map(AddressSet::text).collect(Collectors.joining(", ")));
    }

    /**
     * Whether {@code address} lies in one of the blocks.
     *
     * @param address an IPv4 or IPv6 address
     * @return whether {@code address} lies in one of the blocks
     */
    public boolean contains(java.net.InetAddress address) {
        return blocks.stream().anyMatch(b -> b.contains(address));
    }

    @Override
    public String toString() {
        return text;
    }

    /** {@code block} less every address of {@code holes}, as the fewest blocks that halving gives. */
    static List<AddressBlock> minus(AddressBlock block, List<AddressBlock> holes) {
        boolean overlaps = false;
        for (AddressBlock hole : holes) {
            if (hole.covers(block)) {
                return List.of();
            }
            overlaps |= block.covers(hole);
        }
        if (!overlaps) {
            return List.of(block);
        }
        List<AddressBlock> out = new ArrayList<>();
        int half = block.prefixLength() + 1;
        byte[] upper = block.bytes();
        upper[(half - 1) / 8] |= (byte) (0x80 >>> ((half - 1) % 8));
        out.addAll(minus(AddressBlock.of(block.bytes(), half), holes));
        out.addAll(minus(AddressBlock.of(upper, half), holes));
        return out;
    }
}
