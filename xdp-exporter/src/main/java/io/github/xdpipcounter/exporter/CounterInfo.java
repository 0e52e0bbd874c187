package io.github.xdpipcounter.exporter;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.github.xdpipcounter.core.CounterConfig;
import io.github.xdpipcounter.core.IpCounter;
import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.TrafficFilter;
import io.github.xdpipcounter.core.Version;
import io.github.xdpipcounter.core.bpf.SystemLibbpf;

/**
 * What the metrics say about the counter itself, fixed for its lifetime.
 *
 * @param version       xdp-ip-counter's version
 * @param libbpfVersion the libbpf in use
 * @param interfaces   where it is attached
 * @param mode         XDP attach mode label ("skb", "driver", "hw")
 * @param ports        the configured port selection
 * @param window       configured window length
 * @param capacity     sources per network the maps hold
 * @param filter       what is counted: transports, TCP segments, destinations and sources
 */
public record CounterInfo(String version, String libbpfVersion, List<String> interfaces, String mode,
                          PortSelection ports, Duration window, int capacity, TrafficFilter filter) {
    /** Copies the interfaces. */
    public CounterInfo {
        interfaces = List.copyOf(interfaces);
        Objects.requireNonNull(filter, "filter");
    }

    /**
     * The info of a counter without a filter ({@link TrafficFilter#DEFAULT}).
     *
     * @param version       xdp-ip-counter's version
     * @param libbpfVersion the libbpf in use
     * @param interfaces    where it is attached
     * @param mode          XDP attach mode label ("skb", "driver", "hw")
     * @param ports         the configured port selection
     * @param window        configured window length
     * @param capacity      sources per network the maps hold
     */
    public CounterInfo(String version, String libbpfVersion, List<String> interfaces, String mode,
                       PortSelection ports, Duration window, int capacity) {
        this(version, libbpfVersion, interfaces, mode, ports, window, capacity, TrafficFilter.DEFAULT);
    }

    /**
     * The info of a running counter.
     *
     * @param counter the counter
     * @return its info
     */
    public static CounterInfo of(IpCounter counter) {
        CounterConfig config = counter.config();
        return new CounterInfo(Version.current(), SystemLibbpf.version(), config.interfaces(), config.mode().label(),
                config.ports(), config.windows().length(), config.windows().maxSources(), counter.filter());
    }
}
