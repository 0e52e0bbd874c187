package io.github.xdpipcounter.core;

import static io.github.xdpipcounter.testing.Frames.ETH_P_IP;
import static io.github.xdpipcounter.testing.Frames.IPPROTO_UDP;
import static io.github.xdpipcounter.testing.Frames.ethernet;
import static io.github.xdpipcounter.testing.Frames.ipv4;
import static io.github.xdpipcounter.testing.Frames.udp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * How close the estimate of a full window is: N distinct IPv4 sources
 * (default 1,000,000 and 10,000,000) sent to one port through
 * BPF_PROG_TEST_RUN into a generation of 65,536, then the row's estimate
 * against N, in standard errors. The sources are i * an odd constant
 * (mod 2^32): distinct, and spread over the address space. Run by
 * scripts/bench-accuracy.
 *
 * <p>args: [N ...]
 */
public final class SketchAccuracyBenchmark {
    private static final int CAPACITY = 65_536;
    /** Odd, so that i -> i * MIX is a bijection on 32-bit values. */
    private static final int MIX = 0x9e3779b1;

    private SketchAccuracyBenchmark() {
    }

    public static void main(String[] args) {
        long[] sizes = args.length == 0 ? new long[] {1_000_000, 10_000_000}
                : Arrays.stream(args).mapToLong(Long::parseLong).toArray();
        byte[] template = ethernet(ETH_P_IP, ipv4("10.0.0.0", "192.0.2.1", IPPROTO_UDP, udp(40000, 5353, 0)));
        long saddr = 14 + 12;
        System.out.printf("estimate of N distinct sources to one port, generation of %,d, lgK %d (RSE %.2f%%)%n",
                CAPACITY, Window.SKETCH_LG_K, 100 * Window.SKETCH_RELATIVE_ERROR);
        for (long n : sizes) {
            try (CounterProgram program = CounterProgram.load(CAPACITY); Arena arena = Arena.ofConfined()) {
                MemorySegment frame = arena.allocate(template.length);
                frame.copyFrom(MemorySegment.ofArray(template));
                long t0 = System.nanoTime();
                for (long i = 0; i < n; i++) {
                    frame.set(ValueLayout.JAVA_INT_UNALIGNED, saddr, (int) i * MIX);
                    program.program().testRun(frame, 1);
                    if ((i & 0xfffff) == 0) {
                        program.tick();
                    }
                }
                double sendSeconds = (System.nanoTime() - t0) / 1e9;
                Window window = program.completeWindow();
                PortActivity row = window.activity(Network.IPV4, Transport.UDP, 5353);
                double error = (row.uniqueSources() - n) / (double) n;
                System.out.printf("  N %,12d: records %,d, estimate %,d (%s), error %+.3f%% = %+.2f standard errors "
                                + "(target within 3); packets %,d; without room %,d; sent in %.1f s%n",
                        n, window.sourceCount(), row.uniqueSources(), row.estimated() ? "estimated" : "exact",
                        100 * error, error / Window.SKETCH_RELATIVE_ERROR, row.packets(), window.sourcesWithoutRoom(),
                        sendSeconds);
            }
        }
    }
}
