package io.github.xdpipcounter.micrometer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.xdpipcounter.core.IpCounter;
import io.github.xdpipcounter.core.Network;
import io.github.xdpipcounter.core.PortActivity;
import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.Transport;
import io.github.xdpipcounter.core.Window;
import io.github.xdpipcounter.core.WindowListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * An {@link IpCounter}'s windows as Micrometer meters, tagged {@code network}
 * ({@code IPv4}, {@code IPv6}), {@code transport} ({@code TCP}, {@code UDP},
 * {@code UDP-Lite}, {@code SCTP}) and {@code port}, as the exporter labels
 * its series:
 * <ul>
 * <li>{@value #ACTIVE_USERS} (gauge): unique sources in the last completed
 *     window ({@code active_users} in Prometheus);
 * <li>{@value #PACKETS} and {@value #BYTES} (function counters): packets and
 *     bytes counted over completed windows ({@code xdp_ipc_packets_total},
 *     {@code xdp_ipc_bytes_total}).
 * </ul>
 * The meters follow the last completed window: nothing is published before
 * the first one, and each window updates them all at once. Every explicitly
 * selected port has its meters from the first window on, 0 while idle; other
 * ports get theirs when they first see traffic, up to a bound
 * ({@link #DEFAULT_MAX_PORT_METERS} by default), beyond which their traffic
 * is folded into {@code port="other"} of their network and transport (its
 * gauge counts the distinct sources of the folded ports), so a scan of every
 * port cannot grow a registry without bound. Meters, once made, stay.
 *
 * <pre>{@code
 * IpCounterMetrics.following(counter, Tags.of("counter", "lan")).bindTo(registry);
 * }</pre>
 *
 * Several counters can be bound to one registry when each has a tag of its
 * own (the same tag key, a different value): Micrometer keeps them as one
 * meter family.
 */
public final class IpCounterMetrics implements MeterBinder, WindowListener {
    /** The gauge of unique sources per port in the last completed window. */
    public static final String ACTIVE_USERS = "active.users";
    /** The counter of packets per port over completed windows. */
    public static final String PACKETS = "xdp.ipc.packets";
    /** The counter of bytes (whole frames) per port over completed windows. */
    public static final String BYTES = "xdp.ipc.bytes";
    /** Ports beyond the selected ones that get meters of their own, by default. */
    public static final int DEFAULT_MAX_PORT_METERS = 2048;
    /** The {@code port} tag of the meters that fold the ports beyond the bound. */
    public static final String OTHER_PORT = "other";

    private final PortSelection selected;
    private final Tags tags;
    private final int maxPortMeters;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    /** Guarded by this; insertion order is registration order. */
    private final Map<PortKey, PortValues> ports = new LinkedHashMap<>();
    private int unselectedPorts;
    private long lastSequence;

    /** One (network, transport, port) meters are kept for; port -1 is "other". */
    private record PortKey(Network network, Transport transport, int port) {
        Tags tags() {
            return Tags.of("network", network.label(), "transport", transport.label(),
                    "port", port < 0 ? OTHER_PORT : Integer.toString(port));
        }
    }

    /** What the meters of one port read; written under the binder's lock, read by any scrape. */
    private static final class PortValues {
        volatile double activeUsers;
        volatile double packets;
        volatile double bytes;
    }

    /**
     * Meters that the caller feeds windows ({@link #windowCompleted}).
     *
     * @param selected      the counter's port selection: its explicit ports always have meters
     * @param tags          tags every meter carries, e.g. {@code counter=lan}; none if empty
     * @param maxPortMeters ports beyond the selected ones that get meters of their own (at least 1)
     */
    public IpCounterMetrics(PortSelection selected, Iterable<Tag> tags, int maxPortMeters) {
        if (maxPortMeters < 1) {
            throw new IllegalArgumentException("max port meters must be at least 1, not " + maxPortMeters);
        }
        this.selected = selected;
        this.tags = Tags.of(tags);
        this.maxPortMeters = maxPortMeters;
    }

    /**
     * Meters of a running counter, following its windows from now on (the
     * last completed one included), with the default bound.
     *
     * @param counter the counter
     * @param tags    tags every meter carries; none if empty
     * @return the binder, to bind to a registry
     */
    public static IpCounterMetrics following(IpCounter counter, Iterable<Tag> tags) {
        IpCounterMetrics metrics = new IpCounterMetrics(counter.config().ports(), tags, DEFAULT_MAX_PORT_METERS);
        counter.addListener(metrics);
        counter.latest().ifPresent(metrics::windowCompleted);
        return metrics;
    }

    /**
     * Registers the meters known so far in {@code registry}, and those of
     * ports that appear later as they appear.
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        registries.add(registry);
        ports.forEach((key, values) -> register(registry, key, values));
    }

    /**
     * Moves every meter to {@code window}, once: a window seen already (by
     * its sequence number) is ignored.
     */
    @Override
    public synchronized void windowCompleted(Window window) {
        if (window.sequence() <= lastSequence) {
            return;
        }
        boolean first = lastSequence == 0;
        lastSequence = window.sequence();
        if (first) {
            selected.explicitPorts().forEach(port -> {
                for (Network network : Network.values()) {
                    for (Transport transport : Transport.values()) {
                        values(new PortKey(network, transport, port));
                    }
                }
            });
        }
        ports.values().forEach(values -> values.activeUsers = 0);
        Map<Network, Map<Transport, Set<Integer>>> folded = new EnumMap<>(Network.class);
        for (PortActivity activity : window.portActivity()) {
            PortKey own = new PortKey(activity.network(), activity.transport(), activity.port());
            PortValues values = ports.get(own); // selected ports have theirs since the first window
            if (values == null && unselectedPorts < maxPortMeters) {
                unselectedPorts++;
                values = values(own);
            }
            if (values != null) {
                values.activeUsers = activity.uniqueSources();
            } else {
                folded.computeIfAbsent(activity.network(), n -> new EnumMap<>(Transport.class))
                        .computeIfAbsent(activity.transport(), t -> new HashSet<>()).add(activity.port());
                values = values(new PortKey(activity.network(), activity.transport(), -1));
            }
            values.packets += activity.packets();
            values.bytes += activity.bytes();
        }
        folded.forEach((network, byTransport) -> byTransport.forEach((transport, foldedPorts) ->
                values(new PortKey(network, transport, -1)).activeUsers =
                        window.distinctSources(network, transport, foldedPorts::contains)));
    }

    /** The values of {@code key}, with meters in every bound registry from now on. */
    private PortValues values(PortKey key) {
        PortValues values = ports.get(key);
        if (values == null) {
            values = new PortValues();
            ports.put(key, values);
            for (MeterRegistry registry : new ArrayList<>(registries)) {
                register(registry, key, values);
            }
        }
        return values;
    }

    private void register(MeterRegistry registry, PortKey key, PortValues values) {
        Tags all = tags.and(key.tags());
        Gauge.builder(ACTIVE_USERS, values, v -> v.activeUsers).tags(all).strongReference(true)
                .description("Unique source addresses per destination port in the last completed window; "
                        + "port=\"other\" counts the distinct sources of the ports folded into it.")
                .register(registry);
        FunctionCounter.builder(PACKETS, values, v -> v.packets).tags(all)
                .description("Packets counted per destination port, over completed windows.").register(registry);
        FunctionCounter.builder(BYTES, values, v -> v.bytes).tags(all).baseUnit(BaseUnits.BYTES)
                .description("Bytes (whole frames) counted per destination port, over completed windows.")
                .register(registry);
    }
}
