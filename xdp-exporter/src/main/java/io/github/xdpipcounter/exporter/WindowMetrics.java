package io.github.xdpipcounter.exporter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.xdpipcounter.core.IgnoreReason;
import io.github.xdpipcounter.core.Network;
import io.github.xdpipcounter.core.PortActivity;
import io.github.xdpipcounter.core.Transport;
import io.github.xdpipcounter.core.Window;
import io.github.xdpipcounter.core.WindowListener;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The Prometheus view of a counter: rebuilt once per completed window, so a
 * scrape only serializes what is already there, however many sources the
 * window held (a scrape's cost follows the number of ports, not sources).
 */
public final class WindowMetrics implements MultiCollector, WindowListener {
    public static final String ACTIVE_USERS = "active_users";
    static final String PREFIX = "xdp_ipc";

    private final CounterInfo info;
    private final List<PortKey> configured;
    private final PortTotals portTotals = new PortTotals();
    private final long[] ignoredTotals = new long[IgnoreReason.values().length];
    private long evictedTotal;
    private long windows;
    private Instant lastEnd;
    private volatile MetricSnapshots snapshots;

    public WindowMetrics(CounterInfo info) {
        this.info = info;
        // Only active_users shows idle configured ports: zero counters for every
        // port x network x transport would triple a scrape for no information.
        this.configured = configuredPorts();
        this.snapshots = build(null);
    }

    @Override
    public MetricSnapshots collect() {
        return snapshots;
    }

    @Override
    public synchronized void windowCompleted(Window window) {
        if (lastEnd != null && !window.end().isAfter(lastEnd)) {
            return; // seen already (a window can reach us both as the latest and through the listener)
        }
        lastEnd = window.end();
        portTotals.add(window);
        for (IgnoreReason reason : IgnoreReason.values()) {
            ignoredTotals[reason.ordinal()] += window.statistics().ignored(reason);
        }
        evictedTotal += window.evictedSources();
        windows++;
        snapshots = build(window);
    }

    /** Every explicitly configured port, for each network and transport: shown as 0 when idle. */
    private List<PortKey> configuredPorts() {
        List<PortKey> keys = new ArrayList<>();
        info.ports().explicitPorts().forEach(port -> {
            for (Network network : Network.values()) {
                for (Transport transport : Transport.values()) {
                    keys.add(new PortKey(network, transport, port));
                }
            }
        });
        return keys;
    }

    private MetricSnapshots build(Window window) {
        List<MetricSnapshot> list = new ArrayList<>();
        list.add(infoSnapshot());
        list.add(gauge(PREFIX + "_window_seconds", Unit.SECONDS, "Configured length of a counting window.")
                .dataPoint(point(Labels.EMPTY, info.window().toNanos() / 1e9)).build());
        GaugeSnapshot.Builder capacity = gauge(PREFIX + "_sources_capacity", null,
                "Sources per network a window can hold before the oldest are evicted (--max-sources).");
        for (Network network : Network.values()) {
            capacity.dataPoint(point(Labels.of("network", network.label()), info.capacity()));
        }
        list.add(capacity.build());
        list.add(counter(PREFIX + "_windows", null, "Windows completed since start.")
                .dataPoint(count(Labels.EMPTY, windows)).build());
        if (window != null) {
            list.add(activeUsers(window));
            addLastWindow(list, window);
        }
        addTotals(list);
        return new MetricSnapshots(list);
    }

    private MetricSnapshot activeUsers(Window window) {
        GaugeSnapshot.Builder gauge = gauge(ACTIVE_USERS, null,
                "Unique source addresses per destination port in the last completed window.");
        Set<PortKey> seen = new HashSet<>();
        for (PortActivity activity : window.portActivity()) {
            PortKey key = new PortKey(activity.network(), activity.transport(), activity.port());
            seen.add(key);
            gauge.dataPoint(point(key.labels(), activity.uniqueSources()));
        }
        for (PortKey key : configured) {
            if (!seen.contains(key)) {
                gauge.dataPoint(point(key.labels(), 0));
            }
        }
        return gauge.build();
    }

    private void addLastWindow(List<MetricSnapshot> list, Window window) {
        list.add(gauge(PREFIX + "_last_window_end_timestamp_seconds", Unit.SECONDS,
                "When the last completed window ended, in seconds since the epoch.")
                .dataPoint(point(Labels.EMPTY, window.end().toEpochMilli() / 1e3)).build());
        GaugeSnapshot.Builder tracked = gauge(PREFIX + "_sources_tracked", null,
                "Source records (source, network, transport, port) in the last completed window.");
        for (Network network : Network.values()) {
            tracked.dataPoint(point(Labels.of("network", network.label()), window.sourceCount(network)));
        }
        list.add(tracked.build());
        list.add(gauge(PREFIX + "_capacity_exceeded", null,
                "1 when the last window lost sources for lack of room: raise --max-sources.")
                .dataPoint(point(Labels.EMPTY, window.capacityExceeded() ? 1 : 0)).build());
    }

    private void addTotals(List<MetricSnapshot> list) {
        CounterSnapshot.Builder packets = counter(PREFIX + "_packets", null,
                "Packets counted per destination port, over all completed windows.");
        CounterSnapshot.Builder bytes = counter(PREFIX + "_bytes", Unit.BYTES,
                "Bytes (whole frames) counted per destination port, over all completed windows.");
        portTotals.forEach((key, total) -> {
            Labels labels = key.labels();
            packets.dataPoint(count(labels, total[0]));
            bytes.dataPoint(count(labels, total[1]));
        });
        list.add(packets.build());
        list.add(bytes.build());
        CounterSnapshot.Builder ignored = counter(PREFIX + "_ignored_packets", null,
                "Packets passed without being counted, by reason, over all completed windows.");
        for (IgnoreReason reason : IgnoreReason.values()) {
            ignored.dataPoint(count(Labels.of("reason", reason.label()), ignoredTotals[reason.ordinal()]));
        }
        list.add(ignored.build());
        list.add(counter(PREFIX + "_evicted_sources", null,
                "Source records evicted for lack of room, over all completed windows.")
                .dataPoint(count(Labels.EMPTY, evictedTotal)).build());
    }

    private InfoSnapshot infoSnapshot() {
        InfoSnapshot.Builder builder = InfoSnapshot.builder().name(PREFIX).help("The counter: versions, where it is attached, how.");
        for (String name : info.interfaces()) {
            builder.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                    .labels(Labels.of("version", info.version(), "libbpf_version", info.libbpfVersion(),
                            "interface", name, "mode", info.mode()))
                    .build());
        }
        return builder.build();
    }

    private static GaugeSnapshot.Builder gauge(String name, Unit unit, String help) {
        GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name).help(help);
        return unit == null ? builder : builder.unit(unit);
    }

    private static CounterSnapshot.Builder counter(String name, Unit unit, String help) {
        CounterSnapshot.Builder builder = CounterSnapshot.builder().name(name).help(help);
        return unit == null ? builder : builder.unit(unit);
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterDataPointSnapshot count(Labels labels, double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
