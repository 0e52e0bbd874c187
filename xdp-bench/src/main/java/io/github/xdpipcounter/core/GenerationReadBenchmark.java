package io.github.xdpipcounter.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.core.bpf.BpfMap.ReadStrategy;

import static io.github.xdpipcounter.testing.Frames.*;

/**
 * Time to read a generation of N IPv4 sources (default 1,000,000), filled
 * by running the program on N distinct frames with BPF_PROG_TEST_RUN: batch
 * operations against per-key iteration, measured in the same run. The time
 * covers the whole flip until the {@link Window} is built: flip, read and
 * summing; emptying the generation happens after it, off the flip's path
 * (the next flip waits for it).
 *
 * <p>Run by scripts/bench-read, which builds a C reader
 * (bpf/bench/batch_read.c, bpf_map_lookup_batch, read only) as the floor:
 * given its path in the property xic.cReader, this has it read the very
 * generation the batch read is about to read (a copy of its descriptor),
 * right before and right after, and takes the mean of the two as the
 * round's floor. Same map, same memory, moments apart: on a shared virtual
 * machine whose speed drifts by a third within a minute, nothing else gives
 * a fair floor. The first two rounds run while the JIT is still compiling
 * the read (a long-running counter pays that in its first windows only);
 * the ratio is judged on the median of the rounds after them.
 */
public final class GenerationReadBenchmark {
    private GenerationReadBenchmark() {
    }

    public static void main(String[] args) {
        int sources = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        int warmUp = Math.min(2, rounds - 1);
        String cReader = System.getProperty("xic.cReader");
        try (CounterProgram program = CounterProgram.load(sources);
             Arena arena = Arena.ofConfined()) {
            byte[] template = ethernet(ETH_P_IP, ipv4("10.0.0.0", "192.0.2.1", IPPROTO_TCP, tcp(40000, 443)));
            MemorySegment frame = arena.allocate(template.length);
            frame.copyFrom(MemorySegment.ofArray(template));
            long saddr = 14 + 12;
            double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
            List<Double> ratios = new ArrayList<>();
            System.out.printf("reading a generation of %,d sources, %d rounds each%n", sources, rounds);
            for (int round = 0; round < rounds; round++) {
                for (ReadStrategy strategy : ReadStrategy.values()) {
                    program.tick();
                    for (int i = 0; i < sources; i++) {
                        frame.set(ValueLayout.JAVA_INT_UNALIGNED, saddr, Integer.reverseBytes(0x0a000000 + i));
                        program.program().testRun(frame, 1);
                    }
                    CReader floor = strategy == ReadStrategy.BATCH && cReader != null
                            ? new CReader(cReader, program.generations().current(Network.IPV4), sources) : null;
                    long t0 = System.nanoTime();
                    Window window = program.completeWindow(strategy);
                    long elapsed = System.nanoTime() - t0;
                    if (window.sourceCount() != sources || window.capacityExceeded()) {
                        throw new IllegalStateException("expected " + sources + " sources, got " + window);
                    }
                    double perSource = (double) elapsed / sources;
                    best[strategy.ordinal()] = Math.min(best[strategy.ordinal()], perSource);
                    System.out.printf("  %-8s %8.1f ms  %6.0f ns per source", strategy, elapsed / 1e6, perSource);
                    if (floor != null) {
                        // The C reader's second read runs alone: not beside the emptying of the generation.
                        program.generations().awaitEmptied();
                        double after = floor.readAgainAndClose();
                        double mean = (floor.before + after) / 2;
                        System.out.printf("   C before %.0f, after %.0f: %.2fx%s", floor.before, after, perSource / mean,
                                round < warmUp ? " (JIT warm-up)" : "");
                        if (round >= warmUp) {
                            ratios.add(perSource / mean);
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
                System.out.printf("Java batch window / C reader (bpf_map_lookup_batch of the same generation, no summing)"
                        + " around it, rounds %d to %d (after %d to warm the JIT up): %s; median %.2fx (target <= 1.2x)%n",
                        warmUp + 1, rounds, warmUp,
                        ratios.stream().map(r -> String.format("%.2f", r)).toList(), median);
            }
        }
    }

    /**
     * The C reader on this process's generation map: it copies the
     * descriptor and reads the map once as it starts ({@link #before}), and
     * once more when asked.
     */
    private static final class CReader {
        private final Process process;
        private final BufferedReader figures;
        private final double before;

        CReader(String reader, BpfMap generation, int sources) {
            try {
                process = new ProcessBuilder(reader, "--pid", Long.toString(ProcessHandle.current().pid()),
                        "--fd", Integer.toString(generation.fd()), Integer.toString(sources))
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                figures = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
                before = nextFigure();
            } catch (IOException e) {
                throw new UncheckedIOException("run " + reader, e);
            }
        }

        double readAgainAndClose() {
            try {
                OutputStream ask = process.getOutputStream();
                ask.write('\n');
                ask.flush();
                double after = nextFigure();
                ask.close(); // end of input: it exits
                if (process.waitFor() != 0) {
                    throw new IllegalStateException("the C reader exited with " + process.exitValue());
                }
                return after;
            } catch (IOException e) {
                throw new UncheckedIOException("ask the C reader for its second read", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the C reader ran", e);
            }
        }

        /** "lookup_batch <ns>": ns per source. */
        private double nextFigure() throws IOException {
            String line = figures.readLine();
            if (line == null) {
                throw new IllegalStateException("the C reader gave no figure (exit " + waitForExit() + ")");
            }
            return Double.parseDouble(line.trim().split("\\s+")[1]);
        }

        private int waitForExit() {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }
}
