package io.github.xdpipcounter.exporter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.github.xdpipcounter.core.Attachment;
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
 * The number of per-port series is bounded whatever the traffic (see
 * {@link SeriesLimits}). Where the counter is attached is read at each
 * scrape, so an interface that disappears leaves the exposition at once.
 */
public final class WindowMetrics implements MultiCollector, WindowListener {
    public static final String ACTIVE_USERS = "active_users";
    static final String PREFIX = "xdp_ipc";
    private static final Comparator<PortActivity> BUSIEST_FIRST = Comparator
            .comparingLong(PortActivity::uniqueSources).reversed()
            .thenComparing(Comparator.comparingLong(PortActivity::packets).reversed())
            .thenComparing(PortKey::of);

    private final CounterInfo info;
    private final SeriesLimits limits;
    private final Supplier<List<Attachment>> attachments;
    private final List<PortKey> configured;
    private final PortTotals portTotals;
    private final long[] ignoredTotals = new long[IgnoreReason.values().length];
    private long evictedTotal;
    private long windows;
    private long lastSequence;
    private volatile List<MetricSnapshot> windowSnapshots;

    /** Metrics of a counter attached everywhere it is configured, with the default series limits. */
    public WindowMetrics(CounterInfo info) {
        this(info, SeriesLimits.DEFAULT, () -> info.interfaces().stream().map(name -> new Attachment(name, 0, true)).toList());
    }

    /**
     * @param attachments where the counter is attached now; read at every scrape
     */
    public WindowMetrics(CounterInfo info, SeriesLimits limits, Supplier<List<Attachment>> attachments) {
        this.info = info;
        this.limits = limits;
        this.attachments = attachments;
        this.portTotals = new PortTotals(limits);
        // Only active_users shows idle configured ports: zero counters for every
        // port x network x transport would triple a scrape for no information.
        this.configured = configuredPorts();
        this.windowSnapshots = build(null, List.of());
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> list = new ArrayList<>(windowSnapshots);
        addAttachments(list);
        return new MetricSnapshots(list);
    }

    @Override
    public synchronized void windowCompleted(Window window) {
        if (window.sequence() <= lastSequence) {
            // Seen already: a window can reach us both as the latest and through the listener.
            // Ordered by sequence, not by time: a window's wall-clock end may go back with the clock.
            return;
        }
        lastSequence = window.sequence();
        List<PortActivity> shown = new ArrayList<>();
        List<PortActivity> folded = new ArrayList<>();
        split(window.portActivity(), shown, folded);
        portTotals.add(window.sequence(), window.portActivity(), this::isConfigured);
        for (IgnoreReason reason : IgnoreReason.values()) {
            ignoredTotals[reason.ordinal()] += window.statistics().ignored(reason);
        }
        evictedTotal += window.evictedSources();
        windows++;
        windowSnapshots = build(window, activeUsers(window, shown, folded));
    }

    private boolean isConfigured(int port) {
        return !info.ports().isAll() && info.ports().contains(port);
    }

    /** Configured ports and the busiest others, up to the limit, are shown; the rest are folded. */
    private void split(List<PortActivity> ports, List<PortActivity> shown, List<PortActivity> folded) {
        List<PortActivity> others = new ArrayList<>();
        for (PortActivity port : ports) {
            (isConfigured(port.port()) ? shown : others).add(port);
        }
        if (others.size() > limits.maxPortSeries()) {
            others.sort(BUSIEST_FIRST);
            folded.addAll(others.subList(limits.maxPortSeries(), others.size()));
            others = others.subList(0, limits.maxPortSeries());
        }
        shown.addAll(others);
    }

    /**
     * Every explicitly configured port, for each network and transport with
     * ports: shown as 0 when idle. ICMP rows carry types, not ports: none is
     * made up for them.
     */
    private List<PortKey> configuredPorts() {
        List<PortKey> keys = new ArrayList<>();
        info.ports().explicitPorts().forEach(port -> {
            for (Network network : Network.values()) {
                for (Transport transport : Transport.values()) {
                    if (transport.hasPorts()) {
                        keys.add(new PortKey(network, transport, port));
                    }
                }
            }
        });
        return keys;
    }

    private List<MetricSnapshot> build(Window window, List<MetricSnapshot> perPort) {
        List<MetricSnapshot> list = new ArrayList<>(perPort);
        list.add(gauge(PREFIX + "_window_seconds", Unit.SECONDS, "Configured length of a counting window.")
                .dataPoint(point(Labels.EMPTY, info.window().toNanos() / 1e9)).build());
        GaugeSnapshot.Builder capacity = gauge(PREFIX + "_sources_capacity", null,
                "Sources per network a window can hold before the oldest are evicted.");
        for (Network network : Network.values()) {
            capacity.dataPoint(point(Labels.of("network", network.label()), info.capacity()));
        }
        list.add(capacity.build());
        list.add(counter(PREFIX + "_windows", null, "Windows completed since start.")
                .dataPoint(count(Labels.EMPTY, windows)).build());
        if (window != null) {
            addLastWindow(list, window);
        }
        addTotals(list);
        return List.copyOf(list);
    }

    private List<MetricSnapshot> activeUsers(Window window, List<PortActivity> shown, List<PortActivity> folded) {
        GaugeSnapshot.Builder gauge = gauge(ACTIVE_USERS, null,
                "Unique source addresses per destination port in the last completed window; "
                        + "port=\"other\" counts the distinct sources of the ports folded into it.");
        Set<PortKey> seen = new HashSet<>();
        for (PortActivity activity : shown) {
            PortKey key = PortKey.of(activity);
            seen.add(key);
            gauge.dataPoint(point(key.labels(), activity.uniqueSources()));
        }
        for (PortKey key : configured) {
            if (!seen.contains(key)) {
                gauge.dataPoint(point(key.labels(), 0));
            }
        }
        Map<Network, Map<Transport, Set<Integer>>> foldedPorts = new EnumMap<>(Network.class);
        for (PortActivity activity : folded) {
            foldedPorts.computeIfAbsent(activity.network(), n -> new EnumMap<>(Transport.class))
                    .computeIfAbsent(activity.transport(), t -> new HashSet<>()).add(activity.port());
        }
        foldedPorts.forEach((network, byTransport) -> byTransport.forEach((transport, ports) ->
                gauge.dataPoint(point(PortKey.other(network, transport).labels(),
                        window.distinctSources(network, transport, ports::contains)))));
        GaugeSnapshot foldedGauge = gauge(PREFIX + "_folded_ports", null,
                "Ports with traffic in the last completed window shown only in the port=\"other\" rows.")
                .dataPoint(point(Labels.EMPTY, folded.size())).build();
        return List.of(gauge.build(), foldedGauge);
    }

    private void addLastWindow(List<MetricSnapshot> list, Window window) {
        list.add(gauge(PREFIX + "_last_window_end_timestamp_seconds", Unit.SECONDS,
                "When the last completed window ended, on the wall clock, in seconds since the epoch.")
                .dataPoint(point(Labels.EMPTY, window.end().toEpochMilli() / 1e3)).build());
        GaugeSnapshot.Builder tracked = gauge(PREFIX + "_sources_tracked", null,
                "Source records (source, network, transport, port) in the last completed window.");
        for (Network network : Network.values()) {
            tracked.dataPoint(point(Labels.of("network", network.label()), window.sourceCount(network)));
        }
        list.add(tracked.build());
        list.add(gauge(PREFIX + "_capacity_exceeded", null,
                "1 when the last window lost sources for lack of room.")
                .dataPoint(point(Labels.EMPTY, window.capacityExceeded() ? 1 : 0)).build());
    }

    private void addTotals(List<MetricSnapshot> list) {
        CounterSnapshot.Builder packets = counter(PREFIX + "_packets", null,
                "Packets counted per destination port, over completed windows.");
        CounterSnapshot.Builder bytes = counter(PREFIX + "_bytes", Unit.BYTES,
                "Bytes (whole frames) counted per destination port, over completed windows.");
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

    /** Read at each scrape: an interface that disappears leaves xdp_ipc_info at once. */
    private void addAttachments(List<MetricSnapshot> list) {
        InfoSnapshot.Builder builder = InfoSnapshot.builder().name(PREFIX)
                .help("The counter: versions, and one series per interface it is attached to now.");
        int attached = 0;
        List<Attachment> now = attachments.get();
        for (Attachment attachment : now) {
            if (attachment.attached()) {
                attached++;
                builder.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                        .labels(Labels.of("version", info.version(), "libbpf_version", info.libbpfVersion(),
                                "interface", attachment.interfaceName(), "mode", info.mode()))
                        .build());
            }
        }
        list.add(builder.build());
        list.add(gauge(PREFIX + "_interfaces_attached", null,
                "Configured interfaces the program is attached to now.")
                .dataPoint(point(Labels.EMPTY, attached)).build());
        list.add(gauge(PREFIX + "_interfaces_configured", null,
                "Interfaces the counter is configured to attach to.")
                .dataPoint(point(Labels.EMPTY, now.size())).build());
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
