package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.bpf.BpfMap.ReadStrategy;
import io.github.xdpipcounter.core.testing.RecordKeys;
import io.github.xdpipcounter.testing.RequiresRoot;

import static io.github.xdpipcounter.testing.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The flip between generations that ends a window ({@link Generations},
 * through {@link CounterProgram}): exactness under load, map reads,
 * capacity and port selection at run time, through BPF_PROG_TEST_RUN.
 */
@RequiresRoot
class GenerationFlipTest {

    /** A TCP SYN from the n-th address of 10.0.0.0/8 (IPv4) or 2001:db8::/64 (IPv6, odd n). */
    static byte[] synFrom(int n, int port) {
        String src = sourceOf(n);
        return n % 2 == 1
                ? ethernet(ETH_P_IPV6, ipv6(src, "2001:db8:ffff::1", IPPROTO_TCP, tcp(40000, port)))
                : ethernet(ETH_P_IP, ipv4(src, "192.0.2.1", IPPROTO_TCP, tcp(40000, port)));
    }

    /** The source address of {@link #synFrom}{@code (n, port)}. */
    static String sourceOf(int n) {
        return n % 2 == 1
                ? "2001:db8::" + Integer.toHexString(n >>> 16) + ":" + Integer.toHexString(n & 0xffff)
                : "10." + ((n >>> 16) & 0xff) + "." + ((n >>> 8) & 0xff) + "." + (n & 0xff);
    }

    @Test
    void everyPacketSentAcrossFlipsLandsInExactlyOneWindow() throws Exception {
        int flipsWanted = 10;
        int maxPackets = 400_000;
        try (CounterProgram program = CounterProgram.load(maxPackets + maxPackets / 4)) {
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger flips = new AtomicInteger();
            long deadline = System.nanoTime() + 60_000_000_000L;
            // Sends distinct sources until the flips are done: bounded by count and by time.
            Thread sender = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < maxPackets && flips.get() < flipsWanted && System.nanoTime() < deadline; i++) {
                    program.program().testRun(synFrom(i, 22));
                    sent.incrementAndGet();
                }
            });
            List<Window> windows = new ArrayList<>();
            while (sender.isAlive()) {
                Thread.sleep(2);
                Window w = program.completeWindow();
                windows.add(w);
                flips.incrementAndGet();
            }
            sender.join();
            windows.add(program.completeWindow());
            int packets = sent.get();

            assertThat(flips.get()).as("flips while packets were sent").isGreaterThanOrEqualTo(flipsWanted);
            assertThat(windows.stream().filter(w -> w.sourceCount() > 0).count()).as("windows with packets").isGreaterThan(2);
            Set<InetAddress> sources = new HashSet<>();
            long total = 0;
            for (Window w : windows) {
                for (Source s : w.sources()) {
                    assertThat(sources.add(s.address())).as("%s counted in two windows", s.address()).isTrue();
                    assertThat(s.packets()).isEqualTo(1);
                    assertThat(s.firstSeen()).isBetween(w.start(), w.end());
                    assertThat(s.lastSeen()).isBetween(s.firstSeen(), w.end());
                }
                assertThat(w.sourcesTimedOutsideWindow()).as("kernel times outside the window").isZero();
                total += w.countedPackets();
                assertThat(w.capacityExceeded()).isFalse();
            }
            assertThat(total).isEqualTo(packets);
            assertThat(sources).hasSize(packets);
        }
    }

    @Test
    void batchAndPerKeyReadsGiveTheSameWindow() {
        try (CounterProgram program = CounterProgram.load(16_384)) {
            Window batch = fillAndComplete(program, ReadStrategy.BATCH);
            Window perKey = fillAndComplete(program, ReadStrategy.PER_KEY);
            assertThat(batch.sourceCount()).isEqualTo(10_000);
            assertThat(contents(perKey)).isEqualTo(contents(batch));
            assertThat(perKey.portActivity()).isEqualTo(batch.portActivity());
            assertThat(perKey.statistics()).isEqualTo(batch.statistics());
        }
    }

    @Test
    void windowsGrowingAndShrinkingStayExactAndIntactAfterTheFlipsThatFollow() {
        // Each read starts with room made after the flip before, sized by the window before:
        // about right (arrays kept as they are), too small, much too large, none after an empty window.
        int[] sizes = {2000, 2000, 2000, 3000, 5, 0, 7, 10};
        try (CounterProgram program = CounterProgram.load(4096)) {
            List<Window> windows = new ArrayList<>();
            List<Set<String>> sent = new ArrayList<>();
            int next = 0;
            for (int size : sizes) {
                Set<String> sources = new HashSet<>();
                for (int i = 0; i < size; i++, next++) {
                    program.program().testRun(synFrom(next, 22));
                    sources.add(RecordKeys.of(InetAddress.ofLiteral(sourceOf(next)), Transport.TCP, 22));
                }
                sent.add(sources);
                windows.add(program.completeWindow());
            }
            for (int w = 0; w < sizes.length; w++) {
                Set<String> held = new HashSet<>();
                windows.get(w).forEachSource(s -> held.add(RecordKeys.of(s)));
                assertThat(held).as("window %d", w + 1).isEqualTo(sent.get(w));
                assertThat(windows.get(w).countedPackets()).isEqualTo(sizes[w]);
                assertThat(windows.get(w).uniqueSources(Network.IPV4, Transport.TCP, 22)
                        + windows.get(w).uniqueSources(Network.IPV6, Transport.TCP, 22)).isEqualTo(sizes[w]);
            }
        }
    }

    private static Window fillAndComplete(CounterProgram program, ReadStrategy strategy) {
        for (int i = 0; i < 10_000; i++) {
            for (int repeat = 0; repeat <= i % 3; repeat++) {
                program.program().testRun(synFrom(i, 1000 + i % 7));
            }
        }
        program.program().testRun(ethernet(ETH_P_ARP, new byte[28]));
        return program.completeWindow(strategy);
    }

    private static Map<String, String> contents(Window w) {
        Map<String, String> m = new HashMap<>();
        w.forEachSource(s -> m.put(RecordKeys.of(s), s.packets() + "/" + s.bytes()));
        return m;
    }

    @Test
    void aFullGenerationKeepsExactlyItsCapacityAndEstimatesTheRest() {
        try (CounterProgram program = CounterProgram.load(16)) {
            for (int i = 0; i < 1000; i++) {
                for (int repeat = 0; repeat < 3; repeat++) {
                    program.program().testRun(synFrom(2 * i, 22));
                }
            }
            Window w = program.completeWindow();
            // Exactly the capacity, the first 16 sources, none evicted or counted twice.
            assertThat(w.sourceCount()).isEqualTo(16);
            assertThat(w.statistics().insertFailed()).isZero();
            assertThat(w.sources()).allSatisfy(s -> assertThat(s.packets()).isEqualTo(3));
            assertThat(w.capacityExceeded()).isTrue();
            // The 984 others: once each in the estimate, every packet in the totals.
            assertThat((double) w.sourcesWithoutRoom()).isCloseTo(984, within(3 * Window.SKETCH_RELATIVE_ERROR * 984));
            assertThat(w.countedPackets()).isEqualTo(3000);
            PortActivity row = w.activity(Network.IPV4, Transport.TCP, 22);
            assertThat(row.estimated()).isTrue();
            assertThat(row.packets()).isEqualTo(3000);
            assertThat((double) row.uniqueSources()).isCloseTo(1000, within(3 * Window.SKETCH_RELATIVE_ERROR * 1000));

            // The next window starts empty and within capacity again.
            program.program().testRun(synFrom(0, 22));
            Window next = program.completeWindow();
            assertThat(next.sourceCount()).isEqualTo(1);
            assertThat(next.capacityExceeded()).isFalse();
        }
    }

    @Test
    void portSelectionChangesAtRunTimeWithoutReload() {
        try (CounterProgram program = CounterProgram.load(1024)) {
            program.selectPorts(PortSelection.parse("22,8000-8100"));
            for (int port : new int[] {22, 23, 8000, 8100, 8101}) {
                program.program().testRun(synFrom(0, port));
            }
            program.selectPorts(PortSelection.all());
            program.program().testRun(synFrom(0, 23));
            Window w = program.completeWindow();
            assertThat(w.portActivity()).extracting(PortActivity::port).containsExactly(22, 23, 8000, 8100);
            assertThat(w.statistics().ignored(IgnoreReason.PORT_FILTERED)).isEqualTo(2);
            assertThat(w.activity(Network.IPV4, Transport.TCP, 8101).uniqueSources()).isZero();
        }
    }
}
