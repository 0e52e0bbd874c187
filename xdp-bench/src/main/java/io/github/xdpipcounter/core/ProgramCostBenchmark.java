package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import io.github.xdpipcounter.core.bpf.BpfObject;
import io.github.xdpipcounter.core.bpf.OpenBpfObject;
import io.github.xdpipcounter.core.bpf.BpfProgram;

import static io.github.xdpipcounter.testing.Frames.*;

/**
 * Per-packet cost on the hit path (an IPv4 TCP SYN from a source already
 * counted), measured with BPF_PROG_TEST_RUN, against an empty XDP program
 * and a naive counter measured in the same run. Run by scripts/bench-program.
 *
 * <p>args: empty.bpf.o naive_counter.bpf.o [repeat] [rounds]
 */
public final class ProgramCostBenchmark {
    private ProgramCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int repeat = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        byte[] syn = ethernet(ETH_P_IP, ipv4("192.0.2.7", "198.51.100.1", IPPROTO_TCP, tcp(40000, 22)));
        try (OpenBpfObject openEmpty = OpenBpfObject.open("empty", Files.readAllBytes(Path.of(args[0])));
             OpenBpfObject openNaive = OpenBpfObject.open("naive_counter", Files.readAllBytes(Path.of(args[1])));
             BpfObject empty = openEmpty.load();
             BpfObject naive = openNaive.load();
             CounterProgram counter = CounterProgram.load(65_536);
             Arena arena = Arena.ofConfined()) {
            MemorySegment frame = arena.allocate(syn.length);
            frame.copyFrom(MemorySegment.ofArray(syn));
            BpfProgram[] programs = {empty.program("xdp_empty"), naive.program("xdp_naive_counter"), counter.program()};
            String[] names = {"empty XDP program", "naive counter", "xdp_ip_counter"};
            long[][] results = new long[programs.length][rounds];
            for (BpfProgram p : programs) {
                p.testRun(frame, 1); // the source is known from here on: the hit path
            }
            for (int round = 0; round < rounds; round++) {
                // Interleaved, so that a slow moment of the machine hits every program alike.
                for (int i = 0; i < programs.length; i++) {
                    results[i][round] = programs[i].testRun(frame, repeat).meanDurationNanos();
                }
            }
            long[] min = new long[programs.length];
            System.out.printf("BPF_PROG_TEST_RUN, IPv4 TCP SYN from a known source, repeat %,d, min of %d rounds%n", repeat, rounds);
            for (int i = 0; i < programs.length; i++) {
                min[i] = Arrays.stream(results[i]).min().orElseThrow();
                System.out.printf("  %-18s %3d ns  (rounds: %s)%n", names[i], min[i], Arrays.toString(results[i]));
            }
            System.out.printf("xdp_ip_counter / naive counter: %.2fx (target <= 1.2x)%n", (double) min[2] / min[1]);
            System.out.printf("xdp_ip_counter - empty program: %d ns (target <= 35 ns)%n", min[2] - min[0]);
        }
    }
}
