package io.github.xdpipcounter.core.internal.layout;

import java.lang.foreign.MemorySegment;

import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.core.internal.libbpf.xic_stats;

/**
 * {@code struct xic_stats}, the program's counters of one generation,
 * summed over CPUs.
 *
 * @param ignored      packets passed uncounted, indexed by enum xic_ignore_reason
 * @param insertFailed source records that could not be created
 */
public record XicStats(long[] ignored, long insertFailed) {

    /**
     * Sums the per-CPU values of one element of a per-CPU array map, as
     * {@link BpfMap#lookup} returns them: {@code cpus} values, one every
     * {@link BpfMap#perCpuValueSize()} bytes.
     */
    public static XicStats sum(MemorySegment perCpuValues, int cpus, long stride) {
        long[] ignored = new long[(int) xic_stats.ignored$dimensions()[0]];
        long insertFailed = 0;
        for (int cpu = 0; cpu < cpus; cpu++) {
            MemorySegment stats = perCpuValues.asSlice(cpu * stride, xic_stats.sizeof());
            for (int reason = 0; reason < ignored.length; reason++) {
                ignored[reason] += xic_stats.ignored(stats, reason);
            }
            insertFailed += xic_stats.insert_failed(stats);
        }
        return new XicStats(ignored, insertFailed);
    }
}
