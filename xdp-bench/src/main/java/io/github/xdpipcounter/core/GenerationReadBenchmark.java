package io.github.xdpipcounter.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import io.github.xdpipcounter.core.bpf.BpfMap.ReadStrategy;

import static io.github.xdpipcounter.testing.Frames.*;

/**
 * Time to read a generation of N IPv4 sources (default 1,000,000), filled
 * by running the program on N distinct frames with BPF_PROG_TEST_RUN: batch
 * operations against per-key iteration, measured in the same run. The time
 * covers the whole flip until the {@link Window} is built: flip, read and
 * decoding; emptying the generation happens after it, off the flip's path
 * (timed apart: the next flip waits for it). Run by scripts/bench-read, which
 * builds a C reader (bpf/bench/batch_read.c, bpf_map_lookup_batch, read
 * only) as the floor: given its path in the property xic.cReader, this runs
 * it right before and right after each batch read, so that each round has
 * its own floor, the mean of the two, measured on a machine in the same
 * state (on a shared virtual machine the C figure alone drifts by a third
 * within a minute; bracketing the Java read cancels a drift). The first two
 * rounds run while the JIT is still compiling the read and the decoding (a
 * long-running counter pays that in its first windows only); the ratio is
 * judged on the rounds after them.
 */
public final class GenerationReadBenchmark {
    private GenerationReadBenchmark() {
    }

    public static void main(String[] args) {
        int sources = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        int warmUp = Math.min(2, rounds - 1);
        try (CounterProgram program = CounterProgram.load(sources);
             Arena arena = Arena.ofConfined()) {
            byte[] template = ethernet(ETH_P_IP, ipv4("10.0.0.0", "192.0.2.1", IPPROTO_TCP, tcp(40000, 443)));
            MemorySegment frame = arena.allocate(template.length);
            frame.copyFrom(MemorySegment.ofArray(template));
            long saddr = 14 + 12;
            double best[] = {Double.MAX_VALUE, Double.MAX_VALUE};
            String cReader = System.getProperty("xic.cReader");
            String object = System.getProperty("xic.object");
            if (cReader != null && object == null) {
                throw new IllegalArgumentException("xic.cReader needs xic.object, the BPF object the C reader loads");
            }
            List<Double> ratios = new ArrayList<>();
            System.out.printf("reading a generation of %,d sources, %d rounds each%n", sources, rounds);
            for (int round = 0; round < rounds; round++) {
                double before = cReader == null ? Double.NaN : cReaderNanos(cReader, object, sources);
                for (ReadStrategy strategy : ReadStrategy.values()) {
                    program.tick();
                    for (int i = 0; i < sources; i++) {
                        frame.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, saddr, Integer.reverseBytes(0x0a000000 + i));
                        program.program().testRun(frame, 1);
                    }
                    long t0 = System.nanoTime();
                    Window window = program.completeWindow(strategy);
                    long elapsed = System.nanoTime() - t0;
                    if (window.sourceCount() != sources || window.capacityExceeded()) {
                        throw new IllegalStateException("expected " + sources + " sources, got " + window);
                    }
                    double perSource = (double) elapsed / sources;
                    best[strategy.ordinal()] = Math.min(best[strategy.ordinal()], perSource);
                    System.out.printf("  %-8s %8.1f ms  %6.0f ns per source", strategy, elapsed / 1e6, perSource);
                    if (strategy == ReadStrategy.BATCH && cReader != null) {
                        double after = cReaderNanos(cReader, object, sources);
                        double floor = (before + after) / 2;
                        System.out.printf("   C before %.0f, after %.0f: %.2fx%s", before, after, perSource / floor,
                                round < warmUp ? " (JIT warm-up)" : "");
                        if (round >= warmUp) {
                            ratios.add(perSource / floor);
                        }
                    }
                    System.out.println();
                }
            }
            System.out.printf("best: batch %.0f ns per source (target < 500), per-key %.0f ns per source: batch is %.1fx faster (target >= 5x)%n",
                    best[0], best[1], best[1] / best[0]);
            if (!ratios.isEmpty()) {
                List<Double> sorted = ratios.stream().sorted().toList();
                double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
                System.out.printf("Java batch window / C reader (bpf_map_lookup_batch, no decoding) around it,"
                        + " rounds %d to %d (after %d to warm the JIT up): %s; median %.2fx (target <= 1.2x)%n",
                        warmUp + 1, rounds, warmUp,
                        ratios.stream().map(r -> String.format("%.2f", r)).toList(), median);
            }
        }
    }

    /** Runs the C reader once; its read-only figure, in ns per source. */
    private static double cReaderNanos(String reader, String object, int sources) {
        try {
            Process process = new ProcessBuilder(reader, object, Integer.toString(sources))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String line = new String(process.getInputStream().readAllBytes()).trim();
            if (process.waitFor() != 0) {
                throw new IllegalStateException(reader + " exited with " + process.exitValue());
            }
            // "lookup_batch <ns> lookup_and_delete_batch <ns>"
            return Double.parseDouble(line.split("\\s+")[1]);
        } catch (IOException e) {
            throw new UncheckedIOException("run " + reader, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + reader + " ran", e);
        }
    }
}
