package io.github.xdpipcounter.exporter;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.IntPredicate;

import io.github.xdpipcounter.core.PortActivity;

/**
 * Packets and bytes per port summed over windows: what Prometheus counters
 * must be (monotonic), where a window's own figures go up and down. Bounded
 * (see {@link SeriesLimits}): configured ports always have an entry; other
 * ports only while there is room for them and they saw traffic in the last
 * few windows. Packets of ports without an entry add to the
 * {@link PortKey#other} row of their network and transport, so no packet
 * leaves the totals.
 */
final class PortTotals {
    /** {packets, bytes, sequence of the last window with traffic} */
    private final Map<PortKey, long[]> totals = new TreeMap<>();
    private final Map<PortKey, long[]> other = new TreeMap<>();
    private final SeriesLimits limits;
    private int unconfigured;

    PortTotals(SeriesLimits limits) {
        this.limits = limits;
    }

    /** Adds one window's ports; {@code configured} tells which ports are never folded or expired. */
    void add(long sequence, Iterable<PortActivity> activity, IntPredicate configured) {
        for (PortActivity port : activity) {
            PortKey key = PortKey.of(port);
            boolean pinned = configured.test(port.port());
            long[] total = totals.get(key);
            if (total == null && (pinned || unconfigured < limits.maxPortSeries())) {
                total = new long[3];
                totals.put(key, total);
                unconfigured += pinned ? 0 : 1;
            }
            if (total == null) {
                total = other.computeIfAbsent(PortKey.other(port.network(), port.transport()), k -> new long[3]);
            }
            total[0] += port.packets();
            total[1] += port.bytes();
            total[2] = sequence;
        }
        expire(sequence, configured);
    }

    private void expire(long sequence, IntPredicate configured) {
        for (Iterator<Map.Entry<PortKey, long[]>> it = totals.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<PortKey, long[]> entry = it.next();
            if (!configured.test(entry.getKey().port()) && sequence - entry.getValue()[2] >= limits.idleWindows()) {
                it.remove();
                unconfigured--;
            }
        }
    }

    /** Calls {@code action} with each row and its {packets, bytes}, ports in label order, then the other rows. */
    void forEach(BiConsumer<PortKey, long[]> action) {
        totals.forEach((key, total) -> action.accept(key, Arrays.copyOf(total, 2)));
        other.forEach((key, total) -> action.accept(key, Arrays.copyOf(total, 2)));
    }

    /** Rows held, other rows included. */
    int size() {
        return totals.size() + other.size();
    }
}
