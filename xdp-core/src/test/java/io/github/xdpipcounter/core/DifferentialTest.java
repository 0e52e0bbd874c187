package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.testing.Frames;
import io.github.xdpipcounter.core.testing.RecordKeys;
import io.github.xdpipcounter.core.testing.ReferenceClassifier;
import io.github.xdpipcounter.core.testing.ReferenceClassifier.Outcome;
import io.github.xdpipcounter.testing.RequiresRoot;

import static io.github.xdpipcounter.testing.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Random and mutated frames through the program and through the reference
 * classifier: they must agree on every one. The ports and the filter change
 * at run time every quarter of the frames: everything, some ports, then two
 * filters that use every check at once. Set -Dxic.seed=N to replay a run;
 * -Dxic.frames=N for more frames.
 */
@RequiresRoot
class DifferentialTest {
    private static final int FRAMES = Integer.getInteger("xic.frames", 100_000);
    private static final int WINDOW_EVERY = 10_000;
    private static final PortSelection SOME_PORTS = PortSelection.parse("1-1000,8080,50000-50100");
    private static final int[] PROTOCOLS = {IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE, IPPROTO_SCTP, IPPROTO_ICMP,
            IPPROTO_ICMPV6, IPPROTO_ESP, IPPROTO_NONE};
    private static final int[] EXTENSIONS = {IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS, IPPROTO_AH, IPPROTO_FRAGMENT};
    private static final String[] V4_DESTINATIONS = {"192.0.2.1", "192.0.2.1", "192.0.2.200", "192.0.2.255",
            "255.255.255.255", "198.51.100.9", "224.0.0.251"};
    private static final String[] V6_DESTINATIONS = {"2001:db8::1", "2001:db8::1", "2001:db8:0:1::5", "2001:db8::2", "ff02::1"};
    /** This host's addresses for the destination filter. */
    private static final Set<InetAddress> LOCAL = Set.of(PacketTableTest.inet("192.0.2.1"),
            PacketTableTest.inet("192.0.2.255"), PacketTableTest.inet("255.255.255.255"), PacketTableTest.inet("2001:db8::1"));
    /** Every check at once, over the address ranges the generator draws from; include and exclude nest. */
    private static final TrafficFilter EVERY_CHECK = TrafficFilter.DEFAULT
            .withTransports(EnumSet.allOf(Transport.class))
            .withTcp(TcpPackets.CONNECTION_ATTEMPTS)
            .withDestinations(DestinationFilter.localAddresses().plus(blocks("192.0.2.128/25", "2001:db8:0:1::/64")))
            .withSources(SourceFilter.including(blocks("10.0.0.0/14", "10.1.2.0/24", "8.8.0.0/16", "2001:db8::/34",
                            "::ffff:10.0.0.0/104"))
                    .withExclude(blocks("10.1.0.0/16", "10.2.3.128/25", "8.8.2.0/23", "2001:db8:1::/48", "::ffff:10.1.0.0/112")));
    /** The peer's behaviour, some transports, every destination. */
    private static final TrafficFilter GLOBAL_SOURCES = TrafficFilter.DEFAULT
            .withTransports(Set.of(Transport.TCP, Transport.UDP, Transport.ICMPV6))
            .withSources(SourceFilter.excluding(AddressSet.NON_GLOBAL.blocks()));

    @Test
    void programAndReferenceAgreeOnRandomAndMutatedFrames() {
        long seed = Long.getLong("xic.seed", new Random().nextLong());
        SplittableRandom random = new SplittableRandom(seed);
        String replay = " (replay with -Dxic.seed=" + seed + ")";
        Map<IgnoreReason, Integer> seen = new EnumMap<>(IgnoreReason.class);
        int counted = 0;
        try (CounterProgram program = CounterProgram.load(65_536)) {
            Map<String, Long> expected = new HashMap<>();
            Map<String, byte[]> sourceOf = new HashMap<>();
            ProgramProbe probe = null;
            ReferenceClassifier model = null;
            for (int i = 0; i < FRAMES; i++) {
                if (i % (FRAMES / 4) == 0) {
                    // Changed at run time, in the program that keeps counting: no reload.
                    int quarter = i / (FRAMES / 4);
                    PortSelection ports = quarter == 0 || quarter == 3 ? PortSelection.all() : SOME_PORTS;
                    TrafficFilter filter = switch (quarter) {
                        case 0, 1 -> TrafficFilter.DEFAULT;
                        case 2 -> EVERY_CHECK;
                        default -> GLOBAL_SOURCES;
                    };
                    program.selectPorts(ports);
                    program.filter(filter, LOCAL);
                    model = new ReferenceClassifier(ports, filter, LOCAL);
                    ReferenceClassifier changed = model;
                    expected.keySet().removeIf(key -> !changed.keepsRecordOf(sourceOf.get(key)));
                    probe = new ProgramProbe(program);
                }
                byte[] frame = frame(random);
                if (random.nextInt(2) == 0) {
                    frame = mutate(frame, random);
                }
                Outcome want = model.classify(frame);
                Outcome got = probe.run(frame, want);
                if (!got.equals(want)) {
                    fail("frame " + i + replay + ": program " + got + ", reference " + want
                            + "\nframe: " + HexFormat.of().formatHex(frame));
                }
                if (want.isCounted()) {
                    counted++;
                    expected.merge(RecordKeys.of(want), 1L, Long::sum);
                    sourceOf.put(RecordKeys.of(want), want.source());
                } else {
                    seen.merge(want.ignored(), 1, Integer::sum);
                }
                if ((i + 1) % WINDOW_EVERY == 0) {
                    Window window = program.completeWindow();
                    assertThat(RecordKeys.packets(window)).as("window ending at frame " + i + replay).isEqualTo(expected);
                    expected.clear();
                    probe = new ProgramProbe(program);
                }
            }
        }
        System.out.printf("differential: %d frames, seed %d: %d counted, ignored %s%n", FRAMES, seed, counted, seen);
        // The generator must reach every path, or agreement proves little.
        assertThat(seen.keySet()).containsExactlyInAnyOrder(IgnoreReason.values());
        assertThat(counted).isGreaterThan(FRAMES / 10);
    }

    static byte[] frame(SplittableRandom r) {
        int[] vlans = new int[weighted(r, 6, 3, 2, 1)];
        for (int i = 0; i < vlans.length; i++) {
            vlans[i] = r.nextInt(10) < 9 ? (r.nextBoolean() ? ETH_P_8021Q : ETH_P_8021AD) : r.nextInt(0x10000);
        }
        int protocol = r.nextInt(8) < 6 ? PROTOCOLS[r.nextInt(4)] : r.nextInt(10) < 8 ? PROTOCOLS[r.nextInt(PROTOCOLS.length)]
                : r.nextInt(256);
        byte[] l4 = switch (protocol) {
            case IPPROTO_TCP -> tcp(r.nextInt(65536), port(r), tcpFlags(r));
            case IPPROTO_ICMP, IPPROTO_ICMPV6 -> r.nextInt(8) == 0 ? new byte[r.nextInt(4)]
                    : icmp(new int[] {0, 3, 8, 11, 128, 129, 135, r.nextInt(256)}[r.nextInt(8)], r.nextInt(4));
            case IPPROTO_UDP -> udp(r.nextInt(65536), port(r), r.nextInt(16));
            case IPPROTO_UDPLITE -> udpLite(r.nextInt(65536), port(r));
            case IPPROTO_SCTP -> sctp(r.nextInt(65536), port(r));
            default -> new byte[r.nextInt(40)];
        };
        int kind = r.nextInt(20);
        if (kind < 11) {
            int fragment = switch (r.nextInt(10)) {
                case 0, 1 -> 0x2000;
                case 2 -> r.nextInt(0x10000);
                case 3 -> 0x2000 | (1 + r.nextInt(0x1fff));
                default -> 0x4000;
            };
            String src = (r.nextInt(4) == 0 ? "8.8." : "10." + r.nextInt(4) + ".") + r.nextInt(4) + "." + r.nextInt(256);
            String dst = V4_DESTINATIONS[r.nextInt(V4_DESTINATIONS.length)];
            return ethernet(vlans, ETH_P_IP, ipv4(src, dst, protocol, 4 * r.nextInt(11), fragment, l4));
        }
        if (kind < 19) {
            byte[] payload = l4;
            int next = protocol;
            int depth = weighted(r, 8, 3, 2, 2, 1, 1, 1, 1, 1, 1);
            for (int i = 0; i < depth; i++) {
                int ext = EXTENSIONS[r.nextInt(EXTENSIONS.length)];
                byte[] header = switch (ext) {
                    case IPPROTO_FRAGMENT -> ipv6Fragment(next, r.nextInt(5) == 0 ? r.nextInt(0x2000) : 0, r.nextBoolean());
                    case IPPROTO_AH -> ipv6Auth(next, 1 + r.nextInt(4));
                    default -> ipv6Options(next, r.nextInt(3));
                };
                payload = concat(header, payload);
                next = ext;
            }
            String host = Integer.toHexString(r.nextInt(256));
            String src = switch (r.nextInt(8)) {
                case 0 -> "::ffff:10." + r.nextInt(3) + "." + r.nextInt(2) + "." + r.nextInt(256);
                case 1 -> "2606:4700:" + Integer.toHexString(r.nextInt(4)) + "::" + host;
                case 2 -> "fe80::" + host;
                default -> "2001:db8:" + Integer.toHexString(r.nextInt(4) * 0x1000 + r.nextInt(2)) + "::" + host;
            };
            String dst = V6_DESTINATIONS[r.nextInt(V6_DESTINATIONS.length)];
            return ethernet(vlans, ETH_P_IPV6, ipv6(src, dst, next, payload));
        }
        return ethernet(vlans, r.nextBoolean() ? ETH_P_ARP : r.nextInt(0x10000), new byte[28 + r.nextInt(40)]);
    }

    private static int tcpFlags(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> TCP_SYN;
            case 1 -> TCP_SYN | TCP_ACK;
            case 2 -> TCP_ACK | (r.nextBoolean() ? TCP_PSH : TCP_FIN);
            default -> r.nextInt(256);
        };
    }

    private static List<AddressBlock> blocks(String... texts) {
        List<AddressBlock> out = new ArrayList<>();
        for (String text : texts) {
            out.add(AddressBlock.parse(text));
        }
        return out;
    }

    private static int port(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextInt(65536);
            case 1 -> 50000 + r.nextInt(200);
            default -> new int[] {22, 53, 80, 443, 8080, 1000, 1001, 0}[r.nextInt(8)];
        };
    }

    static byte[] mutate(byte[] frame, SplittableRandom r) {
        byte[] f = frame.clone();
        switch (r.nextInt(3)) {
            case 0 -> f = Arrays.copyOf(f, 14 + r.nextInt(f.length - 13));
            case 1 -> {
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    int at = 12 + r.nextInt(Math.min(f.length, 120) - 12);
                    f[at] ^= (byte) (1 << r.nextInt(8));
                }
            }
            default -> {
                int at = 12 + r.nextInt(Math.min(f.length, 120) - 12);
                f[at] = (byte) new int[] {0, 0xff, 0x45, 0x60, 0x81, 0x88, 0x86, 0x2c, 0x06, 0x11}[r.nextInt(10)];
            }
        }
        return f;
    }

    private static int weighted(SplittableRandom r, int... weights) {
        int total = Arrays.stream(weights).sum();
        int pick = r.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
