package io.github.xdpipcounter.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.github.xdpipcounter.core.PacketTableTest.Case;
import io.github.xdpipcounter.core.testing.ReferenceClassifier.Outcome;

import static io.github.xdpipcounter.testing.Frames.*;

/**
 * The rows of {@link PacketTableTest} for the filters: each with the filter
 * (and ports) in force and the one outcome the frame must have.
 */
final class FilterCases {
    private static final String V4_SRC = "192.0.2.7";
    private static final String V4_DST = "198.51.100.1";
    private static final String V6_SRC = "2001:db8::7";
    private static final String V6_DST = "2001:db8::1";

    private static final TrafficFilter ICMP_TOO = TrafficFilter.DEFAULT.withTransports(EnumSet.allOf(Transport.class));
    private static final TrafficFilter SYN = TrafficFilter.DEFAULT.withTcp(TcpPackets.CONNECTION_ATTEMPTS);
    private static final TrafficFilter LOCAL_ONLY = TrafficFilter.DEFAULT.withDestinations(DestinationFilter.localAddresses());

    private final List<Case> cases = new ArrayList<>();

    private FilterCases() {
    }

    static List<Case> all() {
        FilterCases table = new FilterCases();
        table.icmpRows();
        table.transports();
        table.tcpConnectionAttempts();
        table.destinations();
        table.sources();
        table.nonGlobalSources();
        table.order();
        return table.cases;
    }

    private void icmpRows() {
        for (int type : new int[] {0, 3, 8, 11, 255}) {
            add("ICMP type " + type, v4(V4_SRC, V4_DST, IPPROTO_ICMP, icmp(type, 0)), ICMP_TOO,
                    counted(V4_SRC, Transport.ICMP, type));
        }
        for (int type : new int[] {1, 128, 129, 135, 136}) {
            add("ICMPv6 type " + type, v6(V6_SRC, V6_DST, IPPROTO_ICMPV6, icmp(type, 0)), ICMP_TOO,
                    counted(V6_SRC, Transport.ICMPV6, type));
        }
        add("ICMPv6 type 128 after hop-by-hop", v6(V6_SRC, V6_DST, IPPROTO_HOPOPTS,
                concat(ipv6Options(IPPROTO_ICMPV6, 0), icmp(128, 0))), ICMP_TOO, counted(V6_SRC, Transport.ICMPV6, 128));
        add("ICMP not tracked by default", v4(V4_SRC, V4_DST, IPPROTO_ICMP, icmp(8, 0)), TrafficFilter.DEFAULT,
                ignored(IgnoreReason.TRANSPORT_NOT_TRACKED));
        add("ICMPv6 not tracked by default", v6(V6_SRC, V6_DST, IPPROTO_ICMPV6, icmp(128, 0)), TrafficFilter.DEFAULT,
                ignored(IgnoreReason.TRANSPORT_NOT_TRACKED));
        add("ICMPv6 inside IPv4", v4(V4_SRC, V4_DST, IPPROTO_ICMPV6, icmp(128, 0)), ICMP_TOO,
                ignored(IgnoreReason.TRANSPORT_NOT_TRACKED));
        add("ICMP inside IPv6", v6(V6_SRC, V6_DST, IPPROTO_ICMP, icmp(8, 0)), ICMP_TOO,
                ignored(IgnoreReason.TRANSPORT_NOT_TRACKED));
        add("ICMP only, not ICMPv6", v6(V6_SRC, V6_DST, IPPROTO_ICMPV6, icmp(128, 0)),
                TrafficFilter.DEFAULT.withTransports(Set.of(Transport.ICMP)), ignored(IgnoreReason.TRANSPORT_NOT_TRACKED));
        for (int length = 0; length < 4; length++) {
            byte[] header = Arrays.copyOf(icmp(8, 0), length);
            add("ICMP of " + length + " bytes, tracked", v4(V4_SRC, V4_DST, IPPROTO_ICMP, header), ICMP_TOO,
                    ignored(IgnoreReason.MALFORMED));
            add("ICMP of " + length + " bytes, not tracked", v4(V4_SRC, V4_DST, IPPROTO_ICMP, header),
                    TrafficFilter.DEFAULT, ignored(IgnoreReason.TRANSPORT_NOT_TRACKED));
            add("ICMPv6 of " + length + " bytes, tracked", v6(V6_SRC, V6_DST, IPPROTO_ICMPV6, header), ICMP_TOO,
                    ignored(IgnoreReason.MALFORMED));
        }
        // ICMP is never port filtered: its type is not a port.
        add("ICMP type 8 with ports 22", v4(V4_SRC, V4_DST, IPPROTO_ICMP, icmp(8, 0)), PortSelection.of(22), ICMP_TOO,
                counted(V4_SRC, Transport.ICMP, 8));
        add("ICMPv6 type 128 with ports 22", v6(V6_SRC, V6_DST, IPPROTO_ICMPV6, icmp(128, 0)), PortSelection.of(22),
                ICMP_TOO, counted(V6_SRC, Transport.ICMPV6, 128));
        add("ICMP unaffected by connection attempts only", v4(V4_SRC, V4_DST, IPPROTO_ICMP, icmp(0, 0)),
                ICMP_TOO.withTcp(TcpPackets.CONNECTION_ATTEMPTS), counted(V4_SRC, Transport.ICMP, 0));
    }

    private void transports() {
        TrafficFilter udpOnly = TrafficFilter.DEFAULT.withTransports(Set.of(Transport.UDP));
        add("UDP only: UDP", v4(V4_SRC, V4_DST, IPPROTO_UDP, udp(1, 53, 4)), udpOnly, counted(V4_SRC, Transport.UDP, 53));
        add("UDP only: TCP", v4(V4_SRC, V4_DST, IPPROTO_TCP, tcp(1, 22)), udpOnly, ignored(IgnoreReason.TRANSPORT_NOT_TRACKED));
        add("UDP only: IPv6 SCTP", v6(V6_SRC, V6_DST, IPPROTO_SCTP, sctp(1, 36412)), udpOnly,
                ignored(IgnoreReason.TRANSPORT_NOT_TRACKED));
        // A transport that is not tracked is not parsed: a truncated header does not make it malformed.
        add("UDP only: truncated TCP", v4(V4_SRC, V4_DST, IPPROTO_TCP, Arrays.copyOf(tcp(1, 22), 10)), udpOnly,
                ignored(IgnoreReason.TRANSPORT_NOT_TRACKED));
        add("UDP only: truncated UDP", v4(V4_SRC, V4_DST, IPPROTO_UDP, new byte[6]), udpOnly,
                ignored(IgnoreReason.MALFORMED));
        TrafficFilter icmpOnly = TrafficFilter.DEFAULT.withTransports(Set.of(Transport.ICMP, Transport.ICMPV6));
        add("ICMP only: UDP-Lite", v6(V6_SRC, V6_DST, IPPROTO_UDPLITE, udpLite(1, 5060)), icmpOnly,
                ignored(IgnoreReason.TRANSPORT_NOT_TRACKED));
        add("ICMP only: echo", v4(V4_SRC, V4_DST, IPPROTO_ICMP, icmp(8, 0)), icmpOnly, counted(V4_SRC, Transport.ICMP, 8));
    }

    private void tcpConnectionAttempts() {
        Object[][] flags = {
                {"SYN", TCP_SYN, true}, {"SYN-ACK", TCP_SYN | TCP_ACK, false}, {"ACK", TCP_ACK, false},
                {"RST", TCP_RST, false}, {"RST-ACK", TCP_RST | TCP_ACK, false}, {"FIN-ACK", TCP_FIN | TCP_ACK, false},
                {"PSH-ACK", TCP_PSH | TCP_ACK, false}, {"no flags", 0, false}, {"SYN-FIN", TCP_SYN | TCP_FIN, true},
                {"SYN with ECN bits", TCP_SYN | 0xc0, true}};
        for (Object[] f : flags) {
            int bits = (int) f[1];
            boolean attempt = (boolean) f[2];
            add("TCP " + f[0] + ", connection attempts only", v4(V4_SRC, V4_DST, IPPROTO_TCP, tcp(40000, 443, bits)), SYN,
                    attempt ? counted(V4_SRC, Transport.TCP, 443) : ignored(IgnoreReason.NOT_CONNECTION_ATTEMPT));
            add("IPv6 TCP " + f[0] + ", connection attempts only", v6(V6_SRC, V6_DST, IPPROTO_TCP, tcp(40000, 443, bits)),
                    SYN, attempt ? counted(V6_SRC, Transport.TCP, 443) : ignored(IgnoreReason.NOT_CONNECTION_ATTEMPT));
            add("TCP " + f[0] + ", every segment", v4(V4_SRC, V4_DST, IPPROTO_TCP, tcp(40000, 443, bits)),
                    TrafficFilter.DEFAULT, counted(V4_SRC, Transport.TCP, 443));
        }
        add("UDP, connection attempts only", v4(V4_SRC, V4_DST, IPPROTO_UDP, udp(1, 53, 0)), SYN,
                counted(V4_SRC, Transport.UDP, 53));
        add("SCTP, connection attempts only", v6(V6_SRC, V6_DST, IPPROTO_SCTP, sctp(1, 36412)), SYN,
                counted(V6_SRC, Transport.SCTP, 36412));
    }

    private void destinations() {
        TrafficFilter inBlocks = TrafficFilter.DEFAULT.withDestinations(DestinationFilter.of(
                blocks("198.51.100.0/24", "2001:db8:0:1::/64")));
        add("destination in 198.51.100.0/24", v4(V4_SRC, "198.51.100.200", IPPROTO_UDP, udp(1, 53, 0)), inBlocks,
                counted(V4_SRC, Transport.UDP, 53));
        add("destination 198.51.101.0, outside the /24", v4(V4_SRC, "198.51.101.0", IPPROTO_UDP, udp(1, 53, 0)), inBlocks,
                ignored(IgnoreReason.NOT_FOR_THIS_HOST));
        add("destination 198.51.99.255, outside the /24", v4(V4_SRC, "198.51.99.255", IPPROTO_UDP, udp(1, 53, 0)), inBlocks,
                ignored(IgnoreReason.NOT_FOR_THIS_HOST));
        add("destination in 2001:db8:0:1::/64", v6(V6_SRC, "2001:db8:0:1:ffff:ffff:ffff:ffff", IPPROTO_UDP,
                udp(1, 53, 0)), inBlocks, counted(V6_SRC, Transport.UDP, 53));
        add("destination 2001:db8:0:2::, outside the /64", v6(V6_SRC, "2001:db8:0:2::", IPPROTO_UDP, udp(1, 53, 0)),
                inBlocks, ignored(IgnoreReason.NOT_FOR_THIS_HOST));
        add("IPv4 blocks only: any IPv6 destination", v6(V6_SRC, V6_DST, IPPROTO_UDP, udp(1, 53, 0)),
                TrafficFilter.DEFAULT.withDestinations(DestinationFilter.of(blocks("0.0.0.0/0"))),
                ignored(IgnoreReason.NOT_FOR_THIS_HOST));
        add("destination 0.0.0.0/0", v4(V4_SRC, "203.0.113.9", IPPROTO_UDP, udp(1, 53, 0)),
                TrafficFilter.DEFAULT.withDestinations(DestinationFilter.of(blocks("0.0.0.0/0"))),
                counted(V4_SRC, Transport.UDP, 53));
        // Local: the host's own addresses and broadcasts, not multicast, not another host's.
        for (String local : new String[] {V4_DST, "198.51.100.255", "255.255.255.255"}) {
            add("local destination " + local, v4(V4_SRC, local, IPPROTO_UDP, udp(1, 67, 0)), LOCAL_ONLY,
                    counted(V4_SRC, Transport.UDP, 67));
        }
        add("local destination " + V6_DST, v6(V6_SRC, V6_DST, IPPROTO_TCP, tcp(1, 22)), LOCAL_ONLY,
                counted(V6_SRC, Transport.TCP, 22));
        for (String other : new String[] {"198.51.100.2", "224.0.0.251", "239.255.255.250", "203.0.113.1"}) {
            add("destination " + other + ", not local", v4(V4_SRC, other, IPPROTO_UDP, udp(1, 5353, 0)), LOCAL_ONLY,
                    ignored(IgnoreReason.NOT_FOR_THIS_HOST));
        }
        for (String other : new String[] {"2001:db8::2", "ff02::fb", "ff02::1"}) {
            add("destination " + other + ", not local", v6(V6_SRC, other, IPPROTO_UDP, udp(1, 5353, 0)), LOCAL_ONLY,
                    ignored(IgnoreReason.NOT_FOR_THIS_HOST));
        }
        TrafficFilter localAndMulticast = TrafficFilter.DEFAULT.withDestinations(DestinationFilter.localAddresses()
                .plus(blocks("224.0.0.0/4", "ff00::/8")));
        add("multicast added as a block", v4(V4_SRC, "224.0.0.251", IPPROTO_UDP, udp(1, 5353, 0)), localAndMulticast,
                counted(V4_SRC, Transport.UDP, 5353));
        add("IPv6 multicast added as a block", v6(V6_SRC, "ff02::fb", IPPROTO_UDP, udp(1, 5353, 0)), localAndMulticast,
                counted(V6_SRC, Transport.UDP, 5353));
        add("local with blocks: still local", v4(V4_SRC, V4_DST, IPPROTO_UDP, udp(1, 53, 0)), localAndMulticast,
                counted(V4_SRC, Transport.UDP, 53));
    }

    private void sources() {
        // Include 10/8, exclude 10.1/16 within it, include 10.1.2/24 within that: the exclusion wins.
        sourceCases("nested", SourceFilter.including(blocks("10.0.0.0/8", "10.1.2.0/24")).withExclude(blocks("10.1.0.0/16")),
                List.of("10.0.0.1", "10.255.255.255", "10.2.0.0"),
                List.of("10.1.0.1", "10.1.2.3", "10.1.255.255", "11.0.0.1", "9.255.255.255", "2001:db8::7"));
        // Exclude only: everything else counts, on both networks; the edges of a /32.
        sourceCases("exclude 10/8 and 2001:db8::/32", SourceFilter.excluding(blocks("10.0.0.0/8", "2001:db8::/32")),
                List.of("192.0.2.7", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::"),
                List.of("10.9.8.7", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
        // /0, /32, /128, /127, /33.
        sourceCases("exclude 0.0.0.0/0", SourceFilter.excluding(blocks("0.0.0.0/0")),
                List.of("::"), List.of("0.0.0.0", "255.255.255.255"));
        sourceCases("include ::/0", SourceFilter.including(blocks("::/0")),
                List.of("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), List.of("192.0.2.7"));
        sourceCases("exclude a /32 and a /128", SourceFilter.excluding(blocks("192.0.2.7/32", "2001:db8::7/128")),
                List.of("192.0.2.6", "192.0.2.8", "2001:db8::6"), List.of("192.0.2.7", "2001:db8::7"));
        sourceCases("include a /127", SourceFilter.including(blocks("2001:db8::6/127")),
                List.of("2001:db8::6", "2001:db8::7"), List.of("2001:db8::5", "2001:db8::8"));
        sourceCases("include /32 exclude its upper /33",
                SourceFilter.including(blocks("2001:db8::/32")).withExclude(blocks("2001:db8:8000::/33")),
                List.of("2001:db8:7fff:ffff:ffff:ffff:ffff:ffff"), List.of("2001:db8:8000::"));
        // IPv4-mapped sources are IPv6 sources: IPv4 blocks do not see them, ::ffff:0:0/96 blocks do.
        sourceCases("exclude 10/8", SourceFilter.excluding(blocks("10.0.0.0/8")), List.of("::ffff:10.0.0.1"), List.of());
        sourceCases("exclude ::ffff:10.0.0.0/104", SourceFilter.excluding(blocks("::ffff:10.0.0.0/104")),
                List.of("::ffff:11.0.0.1", "10.0.0.1"), List.of("::ffff:10.0.0.1"));
    }

    /** The peer's behaviour: only globally reachable sources count. */
    private void nonGlobalSources() {
        sourceCases("non-global", SourceFilter.excluding(AddressSet.NON_GLOBAL.blocks()),
                List.of("8.8.8.8", "1.1.1.1", "192.0.0.9", "192.0.0.10", "192.88.99.1", "224.0.0.1", "2606:4700::1",
                        "2001:4860:4860::8888", "2001:1::1", "2001:1::3", "2001:3::1", "2001:20::1", "2001:4:112::1",
                        "64:ff9b::808:808", "2002:808:808::1"),
                List.of("10.0.0.1", "127.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1", "169.254.1.1", "192.0.0.8",
                        "192.0.0.170", "198.18.0.1", "240.0.0.1", "255.255.255.255", "0.0.0.0", "fe80::1", "fc00::1",
                        "fd12:3456::1", "::1", "::ffff:8.8.8.8", "2001:db8::1", "2001::1", "2001:2::1", "2001:1::4",
                        "3fff::1", "5f00::1", "100::1"));
    }

    /** The first failing check gives the reason: transport, port, TCP flags, destination, source. */
    private void order() {
        TrafficFilter everything = TrafficFilter.DEFAULT.withTransports(Set.of(Transport.TCP, Transport.ICMP))
                .withTcp(TcpPackets.CONNECTION_ATTEMPTS).withDestinations(DestinationFilter.localAddresses())
                .withSources(SourceFilter.excluding(blocks("203.0.113.0/24")));
        String excluded = "203.0.113.5";
        String otherHost = "198.51.100.2";
        PortSelection ssh = PortSelection.of(22);
        add("order: untracked UDP to another host from an excluded source",
                v4(excluded, otherHost, IPPROTO_UDP, udp(1, 99, 0)), ssh, everything,
                ignored(IgnoreReason.TRANSPORT_NOT_TRACKED));
        add("order: SYN-ACK to an unselected port of another host from an excluded source",
                v4(excluded, otherHost, IPPROTO_TCP, tcp(1, 99, TCP_SYN | TCP_ACK)), ssh, everything,
                ignored(IgnoreReason.PORT_FILTERED));
        add("order: SYN-ACK to another host from an excluded source",
                v4(excluded, otherHost, IPPROTO_TCP, tcp(1, 22, TCP_SYN | TCP_ACK)), ssh, everything,
                ignored(IgnoreReason.NOT_CONNECTION_ATTEMPT));
        add("order: SYN to another host from an excluded source",
                v4(excluded, otherHost, IPPROTO_TCP, tcp(1, 22)), ssh, everything, ignored(IgnoreReason.NOT_FOR_THIS_HOST));
        add("order: SYN to this host from an excluded source",
                v4(excluded, V4_DST, IPPROTO_TCP, tcp(1, 22)), ssh, everything, ignored(IgnoreReason.SOURCE_EXCLUDED));
        add("order: SYN to this host", v4(V4_SRC, V4_DST, IPPROTO_TCP, tcp(1, 22)), ssh, everything,
                counted(V4_SRC, Transport.TCP, 22));
        add("order: ICMP to another host", v4(V4_SRC, otherHost, IPPROTO_ICMP, icmp(8, 0)), ssh, everything,
                ignored(IgnoreReason.NOT_FOR_THIS_HOST));
        add("order: ICMP to this host from an excluded source", v4(excluded, V4_DST, IPPROTO_ICMP, icmp(8, 0)), ssh,
                everything, ignored(IgnoreReason.SOURCE_EXCLUDED));
    }

    /** A UDP datagram from each source, to this host, under {@code sources}: counted or excluded. */
    private void sourceCases(String filterName, SourceFilter sources, List<String> counted, List<String> excluded) {
        for (String source : counted) {
            add("source " + source + ", " + filterName, udpFrom(source), TrafficFilter.DEFAULT.withSources(sources),
                    counted(source, Transport.UDP, 514));
        }
        for (String source : excluded) {
            add("source " + source + ", " + filterName, udpFrom(source), TrafficFilter.DEFAULT.withSources(sources),
                    ignored(IgnoreReason.SOURCE_EXCLUDED));
        }
    }

    private static byte[] udpFrom(String source) {
        return source.contains(":") ? v6(source, V6_DST, IPPROTO_UDP, udp(1, 514, 0))
                : v4(source, V4_DST, IPPROTO_UDP, udp(1, 514, 0));
    }

    private void add(String name, byte[] frame, TrafficFilter filter, Outcome expected) {
        add(name, frame, PortSelection.all(), filter, expected);
    }

    private void add(String name, byte[] frame, PortSelection ports, TrafficFilter filter, Outcome expected) {
        cases.add(new Case(name, frame, expected, ports, filter));
    }

    private static byte[] v4(String src, String dst, int protocol, byte[] payload) {
        return ethernet(ETH_P_IP, ipv4(src, dst, protocol, payload));
    }

    private static byte[] v6(String src, String dst, int nextHeader, byte[] payload) {
        return ethernet(ETH_P_IPV6, ipv6(src, dst, nextHeader, payload));
    }

    private static Outcome counted(String source, Transport transport, int port) {
        byte[] address = address(source);
        return Outcome.counted(address.length == 4 ? Network.IPV4 : Network.IPV6, address, transport, port);
    }

    private static Outcome ignored(IgnoreReason reason) {
        return Outcome.ignored(reason);
    }

    private static List<AddressBlock> blocks(String... texts) {
        return SourceFilterTest.blocks(texts);
    }
}
