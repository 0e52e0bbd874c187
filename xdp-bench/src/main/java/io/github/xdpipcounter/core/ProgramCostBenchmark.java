package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import io.github.xdpipcounter.core.bpf.BpfObject;
import io.github.xdpipcounter.core.bpf.OpenBpfObject;
import io.github.xdpipcounter.core.bpf.BpfProgram;

import static io.github.xdpipcounter.testing.Frames.*;

/**
 * Per-packet cost on the hit path (an IPv4 TCP SYN from a source already
 * counted), measured with BPF_PROG_TEST_RUN, against an empty XDP program
 * and a naive counter measured in the same run: xdp_ip_counter without
 * filters, and with a source filter of 1,000 blocks (include and exclude,
 * nested around the packet's source, which passes), a destination filter
 * holding the packet's destination and TCP connection attempts only, all
 * on. Run by scripts/bench-program.
 *
 * <p>args: empty.bpf.o naive_counter.bpf.o [repeat] [rounds]
 */
public final class ProgramCostBenchmark {
    private static final String SOURCE = "192.0.2.7";
    private static final String DESTINATION = "198.51.100.1";
    private static final int SOURCE_BLOCKS = 1_000;

    private ProgramCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int repeat = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        byte[] syn = ethernet(ETH_P_IP, ipv4(SOURCE, DESTINATION, IPPROTO_TCP, tcp(40000, 22)));
        try (OpenBpfObject openEmpty = OpenBpfObject.open("empty", Files.readAllBytes(Path.of(args[0])));
             OpenBpfObject openNaive = OpenBpfObject.open("naive_counter", Files.readAllBytes(Path.of(args[1])));
             BpfObject empty = openEmpty.load();
             BpfObject naive = openNaive.load();
             CounterProgram counter = CounterProgram.load(65_536);
             CounterProgram filtered = CounterProgram.load(65_536);
             Arena arena = Arena.ofConfined()) {
            TrafficFilter filter = everyFilter();
            filtered.filter(filter);
            MemorySegment frame = arena.allocate(syn.length);
            frame.copyFrom(MemorySegment.ofArray(syn));
            BpfProgram[] programs = {empty.program("xdp_empty"), naive.program("xdp_naive_counter"), counter.program(),
                    filtered.program()};
            String[] names = {"empty XDP program", "naive counter", "xdp_ip_counter", "xdp_ip_counter, filtered"};
            long[][] results = new long[programs.length][rounds];
            for (BpfProgram p : programs) {
                p.testRun(frame, 1); // the source is known from here on: the hit path
            }
            if (filtered.completeWindow().countedPackets() != 1) {
                throw new IllegalStateException("the filtered program did not count the benchmark's packet: " + filter);
            }
            filtered.program().testRun(frame, 1);
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
                System.out.printf("  %-25s %3d ns  (rounds: %s)%n", names[i], min[i], Arrays.toString(results[i]));
            }
            System.out.printf("xdp_ip_counter / naive counter: %.2fx (target <= 1.2x)%n", (double) min[2] / min[1]);
            System.out.printf("xdp_ip_counter - empty program: %d ns (target <= 35 ns)%n", min[2] - min[0]);
            System.out.printf("filtered (%d source blocks, destinations, tcp syn) / naive counter: %.2fx (target <= 1.5x)%n",
                    filter.sources().include().size() + filter.sources().exclude().size(), (double) min[3] / min[1]);
        }
    }

    /**
     * Every filter on, the packet passing each: 1,000 source blocks of
     * lengths 8 to 32, include and exclude, some nested around the packet's
     * source (so its longest match lies deep in the trie) and the rest spread
     * over the address space, none of the excluded ones covering it; a
     * destination filter of 16 hosts with the packet's destination among
     * them; TCP connection attempts only.
     */
    static TrafficFilter everyFilter() {
        AddressBlock source = AddressBlock.parse(SOURCE);
        List<AddressBlock> include = new ArrayList<>(List.of(AddressBlock.parse("192.0.0.0/16"),
                AddressBlock.parse("192.0.2.0/24"), AddressBlock.parse("192.0.2.0/29")));
        List<AddressBlock> exclude = new ArrayList<>(List.of(AddressBlock.parse("192.0.2.128/25"),
                AddressBlock.parse("192.0.2.8/29"), AddressBlock.parse("192.0.3.0/24")));
        SplittableRandom random = new SplittableRandom(7);
        while (include.size() + exclude.size() < SOURCE_BLOCKS) {
            byte[] address = new byte[4];
            for (int i = 0; i < 4; i++) {
                address[i] = (byte) random.nextInt(256);
            }
            AddressBlock block = AddressBlock.of(address, 8 + random.nextInt(25));
            if (block.covers(source) || include.contains(block) || exclude.contains(block)) {
                continue;
            }
            (random.nextBoolean() ? include : exclude).add(block);
        }
        List<AddressBlock> destinations = new ArrayList<>();
        for (int host = 0; host < 16; host++) {
            destinations.add(AddressBlock.parse("198.51.100." + host));
        }
        return TrafficFilter.DEFAULT
                .withSources(SourceFilter.including(include).withExclude(exclude))
                .withDestinations(DestinationFilter.of(destinations))
                .withTcp(TcpPackets.CONNECTION_ATTEMPTS);
    }
}
