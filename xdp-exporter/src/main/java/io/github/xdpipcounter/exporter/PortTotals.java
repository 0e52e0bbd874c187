package io.github.xdpipcounter.exporter;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

import io.github.xdpipcounter.core.PortActivity;
import io.github.xdpipcounter.core.Window;

/**
 * Packets and bytes per port summed over every window since start: what
 * Prometheus counters must be (monotonic), where a window's own figures go
 * up and down. One entry per port ever seen, so at most 65,536 per network
 * and transport.
 */
final class PortTotals {
    private final Map<PortKey, long[]> totals = new TreeMap<>();

    void add(Window window) {
        for (PortActivity activity : window.portActivity()) {
            long[] total = totals.computeIfAbsent(
                    new PortKey(activity.network(), activity.transport(), activity.port()), k -> new long[2]);
            total[0] += activity.packets();
            total[1] += activity.bytes();
        }
    }

    /** Calls {@code action} with each port and its {packets, bytes}, in label order. */
    void forEach(BiConsumer<PortKey, long[]> action) {
        totals.forEach(action);
    }
}
