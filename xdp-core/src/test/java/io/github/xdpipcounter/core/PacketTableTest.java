package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.xdpipcounter.core.testing.ReferenceClassifier;
import io.github.xdpipcounter.core.testing.RecordKeys;
import io.github.xdpipcounter.core.testing.ReferenceClassifier.Outcome;
import io.github.xdpipcounter.testing.RequiresRoot;

import static io.github.xdpipcounter.testing.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every header combination of the counting rules and every filter, each
 * frame through the real program with BPF_PROG_TEST_RUN (its filter and
 * ports set first, at run time), each with the one outcome it must have.
 */
@RequiresRoot
class PacketTableTest {
    private static final String V4_SRC = "192.0.2.7";
    private static final String V4_DST = "198.51.100.1";
    private static final String V6_SRC = "2001:db8::7";
    private static final String V6_DST = "2001:db8::1";
    private static final int[][] VLAN_STACKS = {
            {}, {ETH_P_8021Q}, {ETH_P_8021AD}, {ETH_P_8021Q, ETH_P_8021Q}, {ETH_P_8021AD, ETH_P_8021Q},
            {ETH_P_8021Q, ETH_P_8021AD}, {ETH_P_8021AD, ETH_P_8021AD}};

    /** This host's addresses for the destination filter: interface, directed and limited broadcast. */
    private static final Set<InetAddress> LOCAL = Set.of(inet(V4_DST), inet("198.51.100.255"),
            inet("255.255.255.255"), inet(V6_DST));

    private static CounterProgram program;
    private static ProgramProbe probe;

    /** A frame, what it must give, and the ports and filter in force. */
    record Case(String name, byte[] frame, Outcome expected, PortSelection ports, TrafficFilter filter) {
        Case(String name, byte[] frame, Outcome expected) {
            this(name, frame, expected, PortSelection.all(), TrafficFilter.DEFAULT);
        }

        void configure(CounterProgram target) {
            target.selectPorts(ports);
            target.filter(filter, LOCAL);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void load() {
        program = CounterProgram.load(4096);
        probe = new ProgramProbe(program);
    }

    @AfterAll
    static void unload() {
        if (program != null) {
            program.close();
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // Each transport, over each VLAN stack, on both networks.
        for (int[] vlans : VLAN_STACKS) {
            String tags = vlans.length == 0 ? "untagged" : vlans.length + " tags " + HexFormat.of().toHexDigits((short) vlans[0]);
            for (Transport t : Transport.DEFAULT_TRACKED) {
                cases.add(new Case("IPv4 " + t + " " + tags, ethernet(vlans, ETH_P_IP, ipv4(V4_SRC, V4_DST, t.ipProtocol(), l4(t, 443))),
                        Outcome.counted(Network.IPV4, address(V4_SRC), t, 443)));
                cases.add(new Case("IPv6 " + t + " " + tags, ethernet(vlans, ETH_P_IPV6, ipv6(V6_SRC, V6_DST, t.ipProtocol(), l4(t, 53))),
                        Outcome.counted(Network.IPV6, address(V6_SRC), t, 53)));
            }
        }
        cases.add(new Case("three VLAN tags", ethernet(new int[] {ETH_P_8021Q, ETH_P_8021Q, ETH_P_8021Q}, ETH_P_IP,
                ipv4(V4_SRC, V4_DST, IPPROTO_TCP, tcp(1, 22))), Outcome.ignored(IgnoreReason.NOT_IP)));
        // IPv4 options shift the transport header.
        for (int options = 0; options <= 40; options += 4) {
            cases.add(new Case("IPv4 " + options + " bytes of options", ethernet(ETH_P_IP,
                    ipv4(V4_SRC, V4_DST, IPPROTO_TCP, options, 0, tcp(40000, 8080))),
                    Outcome.counted(Network.IPV4, address(V4_SRC), Transport.TCP, 8080)));
        }
        for (int ihl = 0; ihl < 5; ihl++) {
            byte[] frame = ethernet(ETH_P_IP, ipv4(V4_SRC, V4_DST, IPPROTO_TCP, tcp(1, 22)));
            frame[14] = (byte) (0x40 | ihl);
            cases.add(new Case("IPv4 IHL " + ihl, frame, Outcome.ignored(IgnoreReason.MALFORMED)));
        }
        byte[] version5 = ethernet(ETH_P_IP, ipv4(V4_SRC, V4_DST, IPPROTO_TCP, tcp(1, 22)));
        version5[14] = 0x55;
        cases.add(new Case("IPv4 EtherType, version 5", version5, Outcome.ignored(IgnoreReason.MALFORMED)));
        byte[] v6version4 = ethernet(ETH_P_IPV6, ipv6(V6_SRC, V6_DST, IPPROTO_TCP, tcp(1, 22)));
        v6version4[14] = 0x40;
        cases.add(new Case("IPv6 EtherType, version 4", v6version4, Outcome.ignored(IgnoreReason.MALFORMED)));
        // Fragments: the first carries the port, the others do not.
        cases.add(new Case("IPv4 first fragment (MF, offset 0)", ethernet(ETH_P_IP,
                ipv4(V4_SRC, V4_DST, IPPROTO_UDP, 0, 0x2000, udp(5000, 514, 16))),
                Outcome.counted(Network.IPV4, address(V4_SRC), Transport.UDP, 514)));
        for (int offset : new int[] {1, 2, 185, 0x1fff}) {
            for (int mf : new int[] {0, 0x2000}) {
                cases.add(new Case("IPv4 fragment offset " + offset + (mf != 0 ? " MF" : " last"), ethernet(ETH_P_IP,
                        ipv4(V4_SRC, V4_DST, IPPROTO_UDP, 0, mf | offset, udp(5000, 514, 16))),
                        Outcome.ignored(IgnoreReason.NON_FIRST_FRAGMENT)));
            }
        }
        cases.add(new Case("IPv6 first fragment", ethernet(ETH_P_IPV6, ipv6(V6_SRC, V6_DST, IPPROTO_FRAGMENT,
                concat(ipv6Fragment(IPPROTO_UDP, 0, true), udp(5000, 514, 16)))),
                Outcome.counted(Network.IPV6, address(V6_SRC), Transport.UDP, 514)));
        for (int offset : new int[] {1, 185, 0x1fff}) {
            cases.add(new Case("IPv6 fragment offset " + offset, ethernet(ETH_P_IPV6, ipv6(V6_SRC, V6_DST, IPPROTO_FRAGMENT,
                    concat(ipv6Fragment(IPPROTO_UDP, offset, offset != 0x1fff), udp(5000, 514, 16)))),
                    Outcome.ignored(IgnoreReason.NON_FIRST_FRAGMENT)));
        }
        // Each extension header, then chains of them.
        int[] extensions = {IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS, IPPROTO_AH, IPPROTO_FRAGMENT};
        for (int ext : extensions) {
            for (int size : new int[] {0, 1, 3}) {
                cases.add(new Case("IPv6 extension " + ext + " size " + size, ethernet(ETH_P_IPV6,
                        ipv6(V6_SRC, V6_DST, ext, concat(extension(ext, IPPROTO_TCP, size), tcp(1, 993)))),
                        Outcome.counted(Network.IPV6, address(V6_SRC), Transport.TCP, 993)));
            }
        }
        for (int depth = 2; depth <= 9; depth++) {
            byte[] chain = tcp(1, 25);
            int next = IPPROTO_TCP;
            for (int i = 0; i < depth; i++) {
                int ext = extensions[i % extensions.length];
                chain = concat(extension(ext, next, i % 3), chain);
                next = ext;
            }
            cases.add(new Case("IPv6 chain of " + depth + " extension headers",
                    ethernet(ETH_P_IPV6, ipv6(V6_SRC, V6_DST, next, chain)),
                    depth <= 8 ? Outcome.counted(Network.IPV6, address(V6_SRC), Transport.TCP, 25)
                            : Outcome.ignored(IgnoreReason.MALFORMED)));
        }
        cases.add(new Case("IPv6 ESP", ethernet(ETH_P_IPV6, ipv6(V6_SRC, V6_DST, IPPROTO_ESP, new byte[32])),
                Outcome.ignored(IgnoreReason.TRANSPORT_NOT_TRACKED)));
        cases.add(new Case("IPv6 no next header", ethernet(ETH_P_IPV6, ipv6(V6_SRC, V6_DST, IPPROTO_NONE, new byte[0])),
                Outcome.ignored(IgnoreReason.TRANSPORT_NOT_TRACKED)));
        // Not counted at all.
        cases.add(new Case("ARP", ethernet(ETH_P_ARP, new byte[28]), Outcome.ignored(IgnoreReason.NOT_IP)));
        cases.add(new Case("ICMP echo", ethernet(ETH_P_IP, ipv4(V4_SRC, V4_DST, IPPROTO_ICMP, new byte[8])),
                Outcome.ignored(IgnoreReason.TRANSPORT_NOT_TRACKED)));
        cases.add(new Case("ICMPv6 neighbour solicitation", ethernet(ETH_P_IPV6,
                ipv6(V6_SRC, V6_DST, IPPROTO_ICMPV6, new byte[24])), Outcome.ignored(IgnoreReason.TRANSPORT_NOT_TRACKED)));
        cases.add(new Case("ICMPv6 after hop-by-hop", ethernet(ETH_P_IPV6, ipv6(V6_SRC, V6_DST, IPPROTO_HOPOPTS,
                concat(ipv6Options(IPPROTO_ICMPV6, 0), new byte[24]))), Outcome.ignored(IgnoreReason.TRANSPORT_NOT_TRACKED)));
        // Truncation at every byte of every header (from 14: the kernel runs no XDP test on less).
        List<Case> whole = List.of(
                new Case("VLAN IPv4 options TCP", ethernet(new int[] {ETH_P_8021AD, ETH_P_8021Q}, ETH_P_IP,
                        ipv4(V4_SRC, V4_DST, IPPROTO_TCP, 12, 0, tcp(1, 22))), null),
                new Case("IPv4 UDP", ethernet(ETH_P_IP, ipv4(V4_SRC, V4_DST, IPPROTO_UDP, udp(1, 53, 0))), null),
                new Case("IPv4 SCTP", ethernet(ETH_P_IP, ipv4(V4_SRC, V4_DST, IPPROTO_SCTP, sctp(1, 36412))), null),
                new Case("VLAN IPv6 extension chain UDP-Lite", ethernet(new int[] {ETH_P_8021Q}, ETH_P_IPV6,
                        ipv6(V6_SRC, V6_DST, IPPROTO_HOPOPTS, concat(ipv6Options(IPPROTO_FRAGMENT, 1),
                                ipv6Fragment(IPPROTO_AH, 0, true), ipv6Auth(IPPROTO_DSTOPTS, 2),
                                ipv6Options(IPPROTO_UDPLITE, 0), udpLite(1, 5060)))), null));
        for (Case c : whole) {
            for (int length = 14; length < c.frame().length; length++) {
                cases.add(new Case(c.name() + " truncated to " + length + " bytes",
                        Arrays.copyOf(c.frame(), length), Outcome.ignored(IgnoreReason.MALFORMED)));
            }
        }
        cases.addAll(FilterCases.all());
        return cases.stream();
    }

    private static byte[] l4(Transport t, int port) {
        return switch (t) {
            case TCP -> tcp(40000, port);
            case UDP -> udp(40000, port, 4);
            case UDP_LITE -> udpLite(40000, port);
            case SCTP -> sctp(40000, port);
            case ICMP, ICMPV6 -> icmp(port, 0);
        };
    }

    private static byte[] extension(int type, int next, int size) {
        return switch (type) {
            case IPPROTO_FRAGMENT -> ipv6Fragment(next, 0, true);
            case IPPROTO_AH -> ipv6Auth(next, size + 1);
            default -> ipv6Options(next, size);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void programAndModelAgreeWithTheTable(Case c) {
        ReferenceClassifier model = new ReferenceClassifier(c.ports(), c.filter(), LOCAL);
        assertThat(model.classify(c.frame())).as("reference model").isEqualTo(c.expected());
        c.configure(program);
        assertThat(probe.run(c.frame(), c.expected())).as("XDP program").isEqualTo(c.expected());
    }

    static InetAddress inet(String literal) {
        return AddressBlock.of(address(literal), address(literal).length * 8).address();
    }

    /** The whole table through a program of its own, so that no order of the tests matters. */
    @Test
    void theCompletedWindowHoldsExactlyTheTablesRecords() {
        Map<String, Long> expectedRecords = new HashMap<>();
        Map<String, byte[]> sourceOf = new HashMap<>();
        long expectedIgnoredTotal = 0;
        try (CounterProgram own = CounterProgram.load(4096)) {
            for (Case c : cases().toList()) {
                c.configure(own);
                // A changed source filter makes the window forget the sources it no longer counts.
                ReferenceClassifier model = new ReferenceClassifier(c.ports(), c.filter(), LOCAL);
                expectedRecords.keySet().removeIf(key -> !model.keepsRecordOf(sourceOf.get(key)));
                own.program().testRun(c.frame());
                if (c.expected().isCounted()) {
                    expectedRecords.merge(RecordKeys.of(c.expected()), 1L, Long::sum);
                    sourceOf.put(RecordKeys.of(c.expected()), c.expected().source());
                } else {
                    expectedIgnoredTotal++;
                }
            }
            Window window = own.completeWindow();
            assertThat(RecordKeys.packets(window)).isEqualTo(expectedRecords);
            assertThat(window.statistics().ignoredTotal()).isEqualTo(expectedIgnoredTotal);
            assertThat(window.capacityExceeded()).isFalse();
        }
    }
}
