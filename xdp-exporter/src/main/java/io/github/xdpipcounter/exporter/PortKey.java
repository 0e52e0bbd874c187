package io.github.xdpipcounter.exporter;

import io.github.xdpipcounter.core.Network;
import io.github.xdpipcounter.core.Transport;
import io.prometheus.metrics.model.snapshots.Labels;

/** One (network, transport, destination port): the label set of the per-port metrics. */
record PortKey(Network network, Transport transport, int port) implements Comparable<PortKey> {
    Labels labels() {
        return Labels.of("network", network.label(), "transport", transport.label(), "port", Integer.toString(port));
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
