package io.github.xdpipcounter.core;

import static io.github.xdpipcounter.testing.Frames.ETH_P_IP;
import static io.github.xdpipcounter.testing.Frames.ETH_P_IPV6;
import static io.github.xdpipcounter.testing.Frames.IPPROTO_UDP;
import static io.github.xdpipcounter.testing.Frames.ethernet;
import static io.github.xdpipcounter.testing.Frames.ipv4;
import static io.github.xdpipcounter.testing.Frames.ipv6;
import static io.github.xdpipcounter.testing.Frames.udp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import io.github.xdpipcounter.testing.RequiresRoot;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.HllUnion;
import org.apache.datasketches.hll.TgtHllType;
import org.junit.jupiter.api.Test;

/**
 * The program's overflow sketches against Apache DataSketches itself,
 * through BPF_PROG_TEST_RUN: a full generation keeps exactly its capacity,
 * the sources without room are estimated once each, and the kernel's
 * registers are those of an HllSketch(12, HLL_8) fed the same addresses.
 */
@RequiresRoot
class OverflowSketchTest {
    private static final int PORT = 5353;
    private static final double SIGMA = Window.SKETCH_RELATIVE_ERROR;
    /** Where the registers start in an updatable HLL_8 image (DataSketches' preamble). */
    private static final int REGISTERS_OFFSET = 40;

    @Test
    void aGenerationOf1024Fed100000SourcesKeepsItsCapacityAndEstimatesTheRest() {
        try (CounterProgram program = CounterProgram.load(1024)) {
            List<byte[]> sources = addresses(4, 100_000, 1);
            for (byte[] source : sources.subList(0, 50_000)) {
                program.program().testRun(udpFrom(source));
            }
            // A tick sets the recorded-keys filter of the full generation: the first 1,024 sources
            // still count into their records, the others only into the sketch.
            program.tick();
            for (byte[] source : sources.subList(0, 2_000)) {
                program.program().testRun(udpFrom(source));
            }
            for (byte[] source : sources.subList(50_000, 100_000)) {
                program.program().testRun(udpFrom(source));
            }
            Window full = program.completeWindow();
            assertThat(full.sourceCount()).isEqualTo(1024);
            assertThat(full.sources()).allSatisfy(source -> assertThat(source.packets()).isEqualTo(2));
            assertThat(full.capacityExceeded()).isTrue();
            assertThat(full.countedPackets()).isEqualTo(102_000);
            PortActivity row = full.activity(Network.IPV4, Transport.UDP, PORT);
            assertThat(row.estimated()).isTrue();
            assertThat(row.packets()).isEqualTo(102_000);
            assertThat((double) row.uniqueSources()).isCloseTo(100_000, within(3 * SIGMA * 100_000));
            assertThat((double) full.sourcesWithoutRoom()).isCloseTo(100_000 - 1024, within(3 * SIGMA * 100_000));
            assertThat(full.unattributedSourcesWithoutRoom()).isZero();

            // The next window has room again: exact, with no mark.
            for (byte[] source : sources.subList(0, 10)) {
                program.program().testRun(udpFrom(source));
            }
            Window next = program.completeWindow();
            assertThat(next.capacityExceeded()).isFalse();
            assertThat(next.sourcesWithoutRoom()).isZero();
            assertThat(next.activity(Network.IPV4, Transport.UDP, PORT))
                    .isEqualTo(new PortActivity(Network.IPV4, Transport.UDP, PORT, 10, 10, next.countedBytes(), false));
        }
    }

    @Test
    void onceItsFilterIsSetAFullGenerationOfTheDefaultCapacityStillCountsEveryRecordedSource() {
        // The userspace filter and the program's must agree on every key: a recorded source
        // whose bits the program does not find would count as a source without room.
        int capacity = Windows.DEFAULT_MAX_SOURCES;
        try (CounterProgram program = CounterProgram.load(capacity)) {
            List<byte[]> sources = addresses(4, 2 * capacity, 5);
            for (byte[] source : sources.subList(0, capacity + 1)) {
                program.program().testRun(udpFrom(source));
            }
            program.tick();
            for (byte[] source : sources) {
                program.program().testRun(udpFrom(source));
            }
            Window full = program.completeWindow();
            assertThat(full.sourceCount()).isEqualTo(capacity);
            assertThat(full.sources()).allSatisfy(source -> assertThat(source.packets()).isEqualTo(2));
            assertThat(full.countedPackets()).isEqualTo(3L * capacity + 1);
            assertThat((double) full.sourcesWithoutRoom()).isCloseTo(capacity, within(3 * SIGMA * capacity));
        }
    }

    @Test
    void everyWindowHasItsWholeCapacityWhetherItsGenerationWasReplacedOrEmptied() {
        try (CounterProgram program = CounterProgram.load(1024)) {
            List<byte[]> sources = addresses(4, 2_000, 3);
            // Few records (the ended generation is emptied in place), then full ones (it is replaced).
            for (int sent : new int[] {100, 100, 100, 2_000, 2_000, 100, 2_000, 2_000, 2_000}) {
                for (byte[] source : sources.subList(0, sent)) {
                    program.program().testRun(udpFrom(source));
                }
                program.tick();
                Window window = program.completeWindow();
                assertThat(window.sourceCount()).as("records of a window of %d sources", sent)
                        .isEqualTo(Math.min(sent, 1024));
                assertThat(window.capacityExceeded()).isEqualTo(sent > 1024);
            }
        }
    }

    @Test
    void kernelRegistersEqualDataSketchesRegistersForIpv4AndIpv6() {
        for (int length : new int[] {4, 16}) {
            try (CounterProgram program = CounterProgram.load(1)) {
                List<byte[]> sources = addresses(length, 50_000, length);
                sources.add(new byte[length]);                       // all zeros
                byte[] ones = new byte[length];
                Arrays.fill(ones, (byte) 0xff);
                sources.add(ones);
                HllSketch reference = new HllSketch(Window.SKETCH_LG_K, TgtHllType.HLL_8);
                for (byte[] source : sources) {
                    program.program().testRun(udpFrom(source));
                    reference.update(source);
                }
                Network network = length == 4 ? Network.IPV4 : Network.IPV6;
                Window window = program.completeWindow();
                assertThat(window.sourceCount()).isEqualTo(1);
                byte[] kernel = window.sketch(network, Transport.UDP, PORT);
                byte[] java = reference.toUpdatableByteArray();
                assertThat(java[7]).as("DataSketches' sketch is an HLL_8 array in HLL mode").isEqualTo((byte) 10);
                assertThat(Arrays.copyOfRange(kernel, REGISTERS_OFFSET, REGISTERS_OFFSET + 4096))
                        .as("registers of the %d-byte sources", length)
                        .isEqualTo(Arrays.copyOfRange(java, REGISTERS_OFFSET, REGISTERS_OFFSET + 4096));
                // The image is exactly what DataSketches writes for those registers.
                assertThat(HllSketch.heapify(kernel).toUpdatableByteArray()).isEqualTo(kernel);
            }
        }
    }

    @Test
    void aKernelSketchUnionsWithAJavaSketchOverOverlappingSources() {
        try (CounterProgram program = CounterProgram.load(64)) {
            List<byte[]> all = addresses(4, 60_000, 7);
            List<byte[]> kernelSide = all.subList(0, 40_000);
            List<byte[]> javaSide = all.subList(20_000, 60_000);
            for (byte[] source : kernelSide) {
                program.program().testRun(udpFrom(source));
            }
            HllSketch java = new HllSketch(Window.SKETCH_LG_K, TgtHllType.HLL_4);
            javaSide.forEach(java::update);
            HllUnion union = new HllUnion(Window.SKETCH_LG_K);
            union.update(HllSketch.heapify(program.completeWindow().sketch(Network.IPV4, Transport.UDP, PORT)));
            union.update(java);
            assertThat(union.getResult().getEstimate()).isCloseTo(60_000, within(3 * SIGMA * 60_000));
        }
    }

    @Test
    void rowsBeyondTheSketchBudgetShareTheSpill() {
        try (CounterProgram program = CounterProgram.load(1)) {
            byte[] first = {(byte) 198, 51, 100, 1};
            program.program().testRun(udpFrom(first, 1));
            // 2,100 more rows, three new sources each: up to 2,048 get a sketch of their own (probing 8
            // entries from a row's home leaves a few free as the array fills), the rest share the spill.
            int rows = 2_100;
            for (int port = 2; port < 2 + rows; port++) {
                for (int n = 0; n < 3; n++) {
                    program.program().testRun(udpFrom(new byte[] {10, (byte) (port >> 8), (byte) port, (byte) n}, port));
                }
            }
            Window window = program.completeWindow();
            // Every row that lost sources is marked: those with a sketch, and the rest as lower bounds.
            long estimatedRows = window.portActivity().stream().filter(PortActivity::estimated).count();
            assertThat(estimatedRows).isEqualTo(rows);
            assertThat(window.activity(Network.IPV4, Transport.UDP, 1).estimated()).isFalse();
            assertThat(window.countedPackets()).isEqualTo(1 + 3L * rows);
            long spilledRows = window.unattributedPackets() / 3;
            assertThat(window.unattributedPackets()).isEqualTo(3 * spilledRows);
            assertThat(spilledRows).isBetween(rows - 2048L, rows - 2048L + 64);
            long attributed = window.portActivity().stream().mapToLong(PortActivity::packets).sum();
            assertThat(attributed + window.unattributedPackets()).isEqualTo(window.countedPackets());
            assertThat((double) window.unattributedSourcesWithoutRoom()).isCloseTo(3 * spilledRows, within(10.0));
            assertThat((double) window.sourcesWithoutRoom()).isCloseTo(3 * rows, within(3 * SIGMA * 3 * rows));
        }
    }

    /** n distinct random addresses of {@code length} bytes. */
    private static List<byte[]> addresses(int length, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Set<String> seen = new HashSet<>();
        List<byte[]> list = new ArrayList<>(n);
        while (list.size() < n) {
            byte[] address = new byte[length];
            random.nextBytes(address);
            if (seen.add(Arrays.toString(address))) {
                list.add(address);
            }
        }
        return list;
    }

    private static byte[] udpFrom(byte[] source) {
        return udpFrom(source, PORT);
    }

    private static byte[] udpFrom(byte[] source, int port) {
        try {
            String text = InetAddress.getByAddress(source).getHostAddress();
            return source.length == 4
                    ? ethernet(ETH_P_IP, ipv4(text, "192.0.2.1", IPPROTO_UDP, udp(40000, port, 0)))
                    : ethernet(ETH_P_IPV6, ipv6(text, "2001:db8:ffff::1", IPPROTO_UDP, udp(40000, port, 0)));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
