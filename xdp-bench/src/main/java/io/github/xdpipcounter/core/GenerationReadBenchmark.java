package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Instant;

import io.github.xdpipcounter.core.bpf.BpfMap.ReadStrategy;

import static io.github.xdpipcounter.testing.Frames.*;

/**
 * Time to read a generation of N IPv4 sources (default 1,000,000), filled
 * by running the program on N distinct frames with BPF_PROG_TEST_RUN: batch
 * operations against per-key iteration, measured in the same run. The time
 * covers the whole flip until the {@link Window} is built: flip, read and
 * decoding; emptying the generation happens after it, off the flip's path
 * (timed apart: the next flip waits for it). Run by scripts/bench-read, which
 * measures a C reader (bpf/bench/batch_read.c, bpf_map_lookup_batch, read
 * only) first, in the same run, as the floor.
 */
public final class GenerationReadBenchmark {
    private GenerationReadBenchmark() {
    }

    public static void main(String[] args) {
        int sources = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (CounterProgram program = CounterProgram.load(sources);
             Arena arena = Arena.ofConfined()) {
            byte[] template = ethernet(ETH_P_IP, ipv4("10.0.0.0", "192.0.2.1", IPPROTO_TCP, tcp(40000, 443)));
            MemorySegment frame = arena.allocate(template.length);
            frame.copyFrom(MemorySegment.ofArray(template));
            long saddr = 14 + 12;
            double best[] = {Double.MAX_VALUE, Double.MAX_VALUE};
            System.out.printf("reading a generation of %,d sources, %d rounds each%n", sources, rounds);
            for (int round = 0; round < rounds; round++) {
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
                    System.out.printf("  %-8s %8.1f ms  %6.0f ns per source%n", strategy, elapsed / 1e6, perSource);
                }
            }
            System.out.printf("best: batch %.0f ns per source (target < 500), per-key %.0f ns per source: batch is %.1fx faster (target >= 5x)%n",
                    best[0], best[1], best[1] / best[0]);
            String c = System.getProperty("xic.cBaselineNanos");
            if (c != null && !c.isBlank()) {
                System.out.printf("C reader (bpf_map_lookup_batch, no decoding): %s ns per source; Java batch window: %.2fx of it (target <= 1.2x)%n",
                        c, best[0] / Double.parseDouble(c));
            }
        }
    }
}
