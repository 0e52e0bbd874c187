package io.github.xdpipcounter.exporter;

import java.util.List;
import java.util.regex.Pattern;

import io.github.xdpipcounter.core.Window;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricFamilyDescriptor;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Every metric family {@link WindowMetrics} exposes, each written once:
 * name (after the caller's prefix), type, unit, help and label names. The
 * snapshots are built from these, and the same families are declared to
 * the registry at registration, so that a second counter's metrics under
 * the same names are refused there, never at scrape time.
 */
final class MetricFamilies {
    /** The peer tool's name, kept; every other name shares {@value #OWN_PREFIX}. */
    static final String ACTIVE_USERS = "active_users";
    static final String OWN_PREFIX = "xdp_ipc";
    private static final Pattern NAME_PREFIX = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)?");
    private static final List<String> PORT_LABELS = List.of("network", "transport", "port");
    private static final List<String> NETWORK_LABEL = List.of("network");

    /** One family: the name as exposed, before any _total or _info suffix. */
    record Family(String name, MetricType type, Unit unit, String help, List<String> labelNames) {
        GaugeSnapshot.Builder gauge() {
            GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name).help(help);
            return unit == null ? builder : builder.unit(unit);
        }

        CounterSnapshot.Builder counter() {
            CounterSnapshot.Builder builder = CounterSnapshot.builder().name(name).help(help);
            return unit == null ? builder : builder.unit(unit);
        }

        InfoSnapshot.Builder info() {
            return InfoSnapshot.builder().name(name).help(help);
        }

        MetricFamilyDescriptor descriptor() {
            MetricFamilyDescriptor.Builder<?> builder = MetricFamilyDescriptor.of(type, name).help(help).labelNames(labelNames);
            return (unit == null ? builder : builder.unit(unit)).build();
        }
    }

    final Family activeUsers;
    final Family activeUsersEstimated;
    final Family activeUsersRelativeError;
    final Family foldedPorts;
    final Family windowSeconds;
    final Family sourcesCapacity;
    final Family windows;
    final Family lastWindowEnd;
    final Family sourcesTracked;
    final Family capacityExceeded;
    final Family packets;
    final Family bytes;
    final Family ignoredPackets;
    final Family sourcesWithoutRoom;
    final Family info;
    final Family interfacesAttached;
    final Family interfacesConfigured;

    /**
     * @param prefix put before every name: "" for the names the README lists,
     *               e.g. "lan_" to tell a second counter's series apart
     */
    MetricFamilies(String prefix) {
        if (!NAME_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("metric name prefix '" + prefix
                    + "' is not the start of a Prometheus metric name: letters, digits and _, not starting with a digit");
        }
        String own = prefix + OWN_PREFIX;
        String activeUsersName = prefix + ACTIVE_USERS;
        String estimatedName = own + "_active_users_estimated";
        activeUsers = new Family(activeUsersName, MetricType.GAUGE, null,
                "Unique source addresses per destination port in the last completed window; "
                        + "port=\"other\" counts the distinct sources of the ports folded into it; "
                        + "a HyperLogLog estimate where " + estimatedName + " marks the row.", PORT_LABELS);
        activeUsersEstimated = new Family(estimatedName, MetricType.GAUGE, null,
                "1 for each " + activeUsersName + " row of the last completed window that is an estimate "
                        + "(some of its sources found the window full and have no record); no series for exact rows.",
                PORT_LABELS);
        activeUsersRelativeError = new Family(own + "_active_users_relative_error", MetricType.GAUGE, null,
                "Relative standard error of the estimated " + activeUsersName + " rows (HyperLogLog, lgK "
                        + Window.SKETCH_LG_K + "): an estimate is within one such error of the truth "
                        + "68% of the time, within three 99.7%.", List.of());
        foldedPorts = new Family(own + "_folded_ports", MetricType.GAUGE, null,
                "Ports with traffic in the last completed window shown only in the port=\"other\" rows.", List.of());
        windowSeconds = new Family(own + "_window_seconds", MetricType.GAUGE, Unit.SECONDS,
                "Configured length of a counting window.", List.of());
        sourcesCapacity = new Family(own + "_sources_capacity", MetricType.GAUGE, null,
                "Source records per network a window holds; sources beyond it are estimated.", NETWORK_LABEL);
        windows = new Family(own + "_windows", MetricType.COUNTER, null, "Windows completed since start.", List.of());
        lastWindowEnd = new Family(own + "_last_window_end_timestamp_seconds", MetricType.GAUGE, Unit.SECONDS,
                "When the last completed window ended, on the wall clock, in seconds since the epoch.", List.of());
        sourcesTracked = new Family(own + "_sources_tracked", MetricType.GAUGE, null,
                "Source records (source, network, transport, port) in the last completed window.", NETWORK_LABEL);
        capacityExceeded = new Family(own + "_capacity_exceeded", MetricType.GAUGE, null,
                "1 when some source found the last completed window full: it has no record and its row is estimated.",
                List.of());
        packets = new Family(own + "_packets", MetricType.COUNTER, null,
                "Packets counted per destination port, over completed windows.", PORT_LABELS);
        bytes = new Family(own + "_bytes", MetricType.COUNTER, Unit.BYTES,
                "Bytes (whole frames) counted per destination port, over completed windows.", PORT_LABELS);
        ignoredPackets = new Family(own + "_ignored_packets", MetricType.COUNTER, null,
                "Packets passed without being counted, by reason, over all completed windows.", List.of("reason"));
        sourcesWithoutRoom = new Family(own + "_sources_without_room", MetricType.COUNTER, null,
                "Sources that found a full window and got no record (estimated, each once per window), "
                        + "over all completed windows.", List.of());
        info = new Family(own, MetricType.INFO, null,
                "The counter: versions, filters, and one series per interface it is attached to now.",
                List.of("version", "libbpf_version", "interface", "mode", "ports", "transports", "tcp",
                        "destinations", "sources"));
        interfacesAttached = new Family(own + "_interfaces_attached", MetricType.GAUGE, null,
                "Configured interfaces the program is attached to now.", List.of());
        interfacesConfigured = new Family(own + "_interfaces_configured", MetricType.GAUGE, null,
                "Interfaces the counter is configured to attach to.", List.of());
    }

    /** Every family, active_users first (a clash is reported by its first name). */
    List<MetricFamilyDescriptor> descriptors() {
        return List.of(activeUsers, activeUsersEstimated, activeUsersRelativeError, foldedPorts, windowSeconds,
                        sourcesCapacity, windows, lastWindowEnd, sourcesTracked, capacityExceeded, packets, bytes,
                        ignoredPackets, sourcesWithoutRoom, info, interfacesAttached, interfacesConfigured)
                .stream().map(Family::descriptor).toList();
    }
}
