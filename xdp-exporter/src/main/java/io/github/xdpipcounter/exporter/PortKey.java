package io.github.xdpipcounter.exporter;

import io.github.xdpipcounter.core.Network;
import io.github.xdpipcounter.core.PortActivity;
import io.github.xdpipcounter.core.Transport;
import io.prometheus.metrics.model.snapshots.Labels;

/**
 * One (network, transport, destination port): the label set of the per-port
 * metrics. The port {@link #OTHER} stands for every port folded into one row
 * ({@code port="other"}).
 */
record PortKey(Network network, Transport transport, int port) implements Comparable<PortKey> {
    static final int OTHER = -1;
    static final String OTHER_LABEL = "other";

    static PortKey of(PortActivity activity) {
        return new PortKey(activity.network(), activity.transport(), activity.port());
    }

    static PortKey other(Network network, Transport transport) {
        return new PortKey(network, transport, OTHER);
    }

    Labels labels() {
        return Labels.of("network", network.label(), "transport", transport.label(),
                "port", port == OTHER ? OTHER_LABEL : Integer.toString(port));
    }

    @Override
    public int compareTo(PortKey other) {
        int c = network.compareTo(other.network);
        if (c == 0) {
            c = transport.compareTo(other.transport);
        }
        return c != 0 ? c : Integer.compare(port, other.port);
    }
}
