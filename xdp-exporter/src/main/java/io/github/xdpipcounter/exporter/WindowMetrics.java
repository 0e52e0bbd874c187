package io.github.xdpipcounter.exporter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.github.xdpipcounter.core.Attachment;
import io.github.xdpipcounter.core.IgnoreReason;
import io.github.xdpipcounter.core.IpCounter;
import io.github.xdpipcounter.core.Network;
import io.github.xdpipcounter.core.PortActivity;
import io.github.xdpipcounter.core.TcpPackets;
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
import io.prometheus.metrics.model.snapshots.MetricFamilyDescriptor;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The Prometheus view of a counter, for any {@code PrometheusRegistry}: the
 * {@link Exporter}'s own, or one of the embedding application's.
 *
 * <pre>{@code
 * PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
 * registry.register(WindowMetrics.following(counter));
 * registry.register(WindowMetrics.following(otherCounter, "lan_", SeriesLimits.DEFAULT));
 * }</pre>
 *
 * <p>It is rebuilt once per completed window, so a scrape only serializes
 * what is already there, however many sources the window held (a scrape's
 * cost follows the number of ports, not sources). The number of per-port
 * series is bounded whatever the traffic (see {@link SeriesLimits}). Where
 * the counter is attached is read at each scrape, so an interface that
 * disappears leaves the exposition at once.
 *
 * <p><b>Several counters in one registry.</b> The metrics declare their
 * names to the registry when they are registered. Two counters' metrics
 * under the same names would make every scrape fail, so the registry
 * refuses the second at {@code register()} with an
 * {@link IllegalArgumentException} naming the metric. Give each counter
 * after the first a name prefix of its own: with prefix {@code lan_},
 * {@code active_users} becomes {@code lan_active_users} and
 * {@code xdp_ipc_windows_total} becomes {@code lan_xdp_ipc_windows_total}.
 */
public final class WindowMetrics implements MultiCollector, WindowListener {
    /** The name of the gauge of unique sources per port, with no prefix. */
    public static final String ACTIVE_USERS = MetricFamilies.ACTIVE_USERS;
    private static final Comparator<PortActivity> BUSIEST_FIRST = Comparator
            .comparingLong(PortActivity::uniqueSources).reversed()
            .thenComparing(Comparator.comparingLong(PortActivity::packets).reversed())
            .thenComparing(PortKey::of);

    private final CounterInfo info;
    private final MetricFamilies families;
    private final SeriesLimits limits;
    private final Supplier<List<Attachment>> attachments;
    private final List<PortKey> configured;
    private final PortTotals portTotals;
    private final long[] ignoredTotals = new long[IgnoreReason.values().length];
    private long withoutRoomTotal;
    private long windows;
    private long lastSequence;
    private volatile List<MetricSnapshot> windowSnapshots;

    /**
     * Metrics of a counter that the caller feeds windows ({@link #windowCompleted}),
     * attached everywhere it is configured, under the names the README lists,
     * with the default series limits.
     *
     * @param info what the metrics say about the counter itself
     */
    public WindowMetrics(CounterInfo info) {
        this(info, "", SeriesLimits.DEFAULT,
                () -> info.interfaces().stream().map(name -> new Attachment(name, 0, true)).toList());
    }

    /**
     * Metrics of a counter that the caller feeds windows ({@link #windowCompleted}).
     *
     * @param info        what the metrics say about the counter itself
     * @param namePrefix  put before every metric name ("" for none): tells this counter's
     *                    series from another's in the same registry
     * @param limits      the bound on per-port series
     * @param attachments where the counter is attached now; read at every scrape
     * @throws IllegalArgumentException when the prefix cannot start a metric name
     */
    public WindowMetrics(CounterInfo info, String namePrefix, SeriesLimits limits,
                         Supplier<List<Attachment>> attachments) {
        this.info = info;
        this.families = new MetricFamilies(namePrefix);
        this.limits = limits;
        this.attachments = attachments;
        this.portTotals = new PortTotals(limits);
        // Only active_users shows idle configured ports: zero counters for every
        // port x network x transport would triple a scrape for no information.
        this.configured = configuredPorts();
        this.windowSnapshots = build(null, List.of());
    }

    /**
     * Metrics of a running counter under the names the README lists, with
     * the default series limits, following its windows from now on (the last
     * completed one included).
     *
     * @param counter the counter
     * @return metrics to register
     */
    public static WindowMetrics following(IpCounter counter) {
        return following(counter, "", SeriesLimits.DEFAULT);
    }

    /**
     * Metrics of a running counter, following its windows from now on (the
     * last completed one included).
     *
     * @param counter    the counter
     * @param namePrefix put before every metric name ("" for none), e.g. {@code "lan_"}
     * @param limits     the bound on per-port series
     * @return metrics to register
     * @throws IllegalArgumentException when the prefix cannot start a metric name
     */
    public static WindowMetrics following(IpCounter counter, String namePrefix, SeriesLimits limits) {
        WindowMetrics metrics = new WindowMetrics(CounterInfo.of(counter), namePrefix, limits, counter::attachments);
        counter.addListener(metrics);
        counter.latest().ifPresent(metrics::windowCompleted);
        return metrics;
    }

    /**
     * The families these metrics expose, declared to a registry when they are
     * registered: a registry that already holds a family of the same name and
     * labels refuses them there.
     */
    @Override
    public List<MetricFamilyDescriptor> getMetricFamilyDescriptors() {
        return families.descriptors();
    }

    /** The metrics of the last completed window, and where the counter is attached now. */
    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> list = new ArrayList<>(windowSnapshots);
        addAttachments(list);
        return new MetricSnapshots(list);
    }

    /**
     * Rebuilds the metrics from {@code window}, once: a window seen already
     * (by its sequence number) is ignored.
     */
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
        withoutRoomTotal += window.sourcesWithoutRoom();
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
        list.add(families.windowSeconds.gauge()
                .dataPoint(point(Labels.EMPTY, info.window().toNanos() / 1e9)).build());
        list.add(families.activeUsersRelativeError.gauge()
                .dataPoint(point(Labels.EMPTY, Window.SKETCH_RELATIVE_ERROR)).build());
        GaugeSnapshot.Builder capacity = families.sourcesCapacity.gauge();
        for (Network network : Network.values()) {
            capacity.dataPoint(point(Labels.of("network", network.label()), info.capacity()));
        }
        list.add(capacity.build());
        list.add(families.windows.counter().dataPoint(count(Labels.EMPTY, windows)).build());
        if (window != null) {
            addLastWindow(list, window);
        }
        addTotals(list);
        return List.copyOf(list);
    }

    /**
     * active_users, with the mark of every row that is an estimate: a row
     * whose sources did not all find room, or an "other" row folding one.
     */
    private List<MetricSnapshot> activeUsers(Window window, List<PortActivity> shown, List<PortActivity> folded) {
        GaugeSnapshot.Builder gauge = families.activeUsers.gauge();
        GaugeSnapshot.Builder estimated = families.activeUsersEstimated.gauge();
        Set<PortKey> seen = new HashSet<>();
        for (PortActivity activity : shown) {
            PortKey key = PortKey.of(activity);
            seen.add(key);
            gauge.dataPoint(point(key.labels(), activity.uniqueSources()));
            if (activity.estimated()) {
                estimated.dataPoint(point(key.labels(), 1));
            }
        }
        for (PortKey key : configured) {
            if (!seen.contains(key)) {
                gauge.dataPoint(point(key.labels(), 0));
            }
        }
        Map<Network, Map<Transport, FoldedRow>> foldedRows = new EnumMap<>(Network.class);
        for (PortActivity activity : folded) {
            foldedRows.computeIfAbsent(activity.network(), n -> new EnumMap<>(Transport.class))
                    .computeIfAbsent(activity.transport(), t -> new FoldedRow()).add(activity);
        }
        foldedRows.forEach((network, byTransport) -> byTransport.forEach((transport, row) -> {
            Labels labels = PortKey.other(network, transport).labels();
            gauge.dataPoint(point(labels, window.distinctSources(network, transport, row.ports::contains)));
            if (row.estimated) {
                estimated.dataPoint(point(labels, 1));
            }
        }));
        GaugeSnapshot foldedGauge = families.foldedPorts.gauge().dataPoint(point(Labels.EMPTY, folded.size())).build();
        return List.of(gauge.build(), estimated.build(), foldedGauge);
    }

    /** The ports folded into one port="other" row, and whether any of them is an estimate (then the row is). */
    private static final class FoldedRow {
        final Set<Integer> ports = new HashSet<>();
        boolean estimated;

        void add(PortActivity activity) {
            ports.add(activity.port());
            estimated |= activity.estimated();
        }
    }

    private void addLastWindow(List<MetricSnapshot> list, Window window) {
        list.add(families.lastWindowEnd.gauge()
                .dataPoint(point(Labels.EMPTY, window.end().toEpochMilli() / 1e3)).build());
        GaugeSnapshot.Builder tracked = families.sourcesTracked.gauge();
        for (Network network : Network.values()) {
            tracked.dataPoint(point(Labels.of("network", network.label()), window.sourceCount(network)));
        }
        list.add(tracked.build());
        list.add(families.capacityExceeded.gauge()
                .dataPoint(point(Labels.EMPTY, window.capacityExceeded() ? 1 : 0)).build());
    }

    private void addTotals(List<MetricSnapshot> list) {
        CounterSnapshot.Builder packets = families.packets.counter();
        CounterSnapshot.Builder bytes = families.bytes.counter();
        portTotals.forEach((key, total) -> {
            Labels labels = key.labels();
            packets.dataPoint(count(labels, total[0]));
            bytes.dataPoint(count(labels, total[1]));
        });
        list.add(packets.build());
        list.add(bytes.build());
        CounterSnapshot.Builder ignored = families.ignoredPackets.counter();
        for (IgnoreReason reason : IgnoreReason.values()) {
            ignored.dataPoint(count(Labels.of("reason", reason.label()), ignoredTotals[reason.ordinal()]));
        }
        list.add(ignored.build());
        list.add(families.sourcesWithoutRoom.counter().dataPoint(count(Labels.EMPTY, withoutRoomTotal)).build());
    }

    /** Read at each scrape: an interface that disappears leaves xdp_ipc_info at once. */
    private void addAttachments(List<MetricSnapshot> list) {
        InfoSnapshot.Builder builder = families.info.info();
        int attached = 0;
        List<Attachment> now = attachments.get();
        for (Attachment attachment : now) {
            if (attachment.attached()) {
                attached++;
                builder.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                        .labels(Labels.of("version", info.version(), "libbpf_version", info.libbpfVersion(),
                                "interface", attachment.interfaceName(), "mode", info.mode(),
                                "ports", info.ports().toString(),
                                "transports", info.filter().transports().stream().map(Transport::label)
                                        .collect(Collectors.joining(",")),
                                "tcp", info.filter().tcp() == TcpPackets.CONNECTION_ATTEMPTS ? "syn" : "all",
                                "destinations", info.filter().destinations().toString(),
                                "sources", info.filter().sources().toString()))
                        .build());
            }
        }
        list.add(builder.build());
        list.add(families.interfacesAttached.gauge().dataPoint(point(Labels.EMPTY, attached)).build());
        list.add(families.interfacesConfigured.gauge().dataPoint(point(Labels.EMPTY, now.size())).build());
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterDataPointSnapshot count(Labels labels, double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
