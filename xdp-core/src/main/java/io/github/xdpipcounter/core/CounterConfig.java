package io.github.xdpipcounter.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.github.xdpipcounter.core.bpf.XdpMode;

/**
 * How an {@link IpCounter} runs.
 *
 * @param interfaces interfaces to attach to, in the calling thread's network namespace (at least one)
 * @param ports      destination ports to count
 * @param windows    window length, source records per window and the precision of their times
 * @param mode       XDP attach mode
 * @param filter     what is counted besides the ports: transports, TCP segments, destinations, sources
 */
public record CounterConfig(List<String> interfaces, PortSelection ports, Windows windows, XdpMode mode,
                            TrafficFilter filter) {
    /**
     * Checks every component.
     *
     * @throws IllegalArgumentException for no interface
     */
    public CounterConfig {
        interfaces = List.copyOf(Objects.requireNonNull(interfaces, "interfaces"));
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("at least one interface is needed");
        }
        Objects.requireNonNull(ports, "ports");
        Objects.requireNonNull(windows, "windows");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(filter, "filter");
    }

    /**
     * Every default, for these interfaces: all ports, {@link Windows#DEFAULT}, no filter, and so on.
     *
     * @param interfaces the interfaces to attach to
     */
    public CounterConfig(List<String> interfaces) {
        this(interfaces, PortSelection.all(), Windows.DEFAULT, XdpMode.SKB, TrafficFilter.DEFAULT);
    }

    /**
     * This configuration with other destination ports to count.
     *
     * @param value the destination ports to count
     * @return the new configuration
     */
    public CounterConfig withPorts(PortSelection value) {
        return new CounterConfig(interfaces, value, windows, mode, filter);
    }

    /**
     * This configuration with other windows: length, records and tick.
     *
     * @param value the windows
     * @return the new configuration
     */
    public CounterConfig withWindows(Windows value) {
        return new CounterConfig(interfaces, ports, value, mode, filter);
    }

    /**
     * This configuration with another window length; the records per window
     * and the tick stay.
     *
     * @param length the window length (at least 1 ms)
     * @return the new configuration
     */
    public CounterConfig withWindow(Duration length) {
        return withWindows(new Windows(length, windows.maxSources(), windows.tick()));
    }

    /**
     * This configuration with another XDP attach mode.
     *
     * @param value the XDP attach mode
     * @return the new configuration
     */
    public CounterConfig withMode(XdpMode value) {
        return new CounterConfig(interfaces, ports, windows, value, filter);
    }

    /**
     * This configuration with another traffic filter.
     *
     * @param value the traffic filter
     * @return the new configuration
     */
    public CounterConfig withFilter(TrafficFilter value) {
        return new CounterConfig(interfaces, ports, windows, mode, value);
    }
}
