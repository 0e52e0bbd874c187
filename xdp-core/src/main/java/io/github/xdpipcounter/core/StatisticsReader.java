package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.github.xdpipcounter.core.XdpIpCounterObject.XicIgnoreReason;
import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.core.bpf.SystemLibbpf;
import io.github.xdpipcounter.core.internal.layout.XicStats;

/**
 * Reads the program's statistics map: per CPU, one {@code struct xic_stats}
 * per generation, summed over CPUs into {@link Statistics}.
 */
final class StatisticsReader {
    private final BpfMap stats;

    StatisticsReader(BpfMap stats) {
        this.stats = stats;
    }

    /** The statistics of one generation, as they are now. */
    Statistics read(int generation) {
        return read(generation, false);
    }

    /** The statistics of a generation no program writes any more, zeroed for its next window. */
    Statistics drain(int generation) {
        return read(generation, true);
    }

    private Statistics read(int generation, boolean reset) {
        int cpus = SystemLibbpf.possibleCpus();
        int stride = stats.perCpuValueSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, generation);
            MemorySegment values = arena.allocate((long) stride * cpus, 8);
            XicStats sum = stats.lookup(key, values)
                    ? XicStats.sum(values, cpus, stride)
                    : XicStats.sum(values, 0, stride);
            if (reset) {
                values.fill((byte) 0);
                stats.update(key, values);
            }
            long[] ignored = new long[IgnoreReason.values().length];
            for (XicIgnoreReason reason : XicIgnoreReason.values()) {
                ignored[IgnoreReason.of(reason).code()] = sum.ignored()[reason.code()];
            }
            return new Statistics(ignored, sum.insertFailed());
        }
    }
}
