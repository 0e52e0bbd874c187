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
 * @param window     window length (at least 1 ms)
 * @param maxSources records per network and window before the oldest are evicted
 * @param mode       XDP attach mode
 * @param tick       precision of first/last-seen times: how often the program's clock is refreshed
 * @param filter     what is counted besides the ports: transports, TCP segments, destinations, sources
 */
public record CounterConfig(List<String> interfaces, PortSelection ports, Duration window, int maxSources,
                            XdpMode mode, Duration tick, TrafficFilter filter) {
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);
    /** About 25 MB of kernel memory for the four generation maps. */
    public static final int DEFAULT_MAX_SOURCES = 65_536;
    /** How often the program's clock is refreshed unless told: first and last seen are this precise. */
    public static final Duration DEFAULT_TICK = Duration.ofMillis(100);

    /**
     * Checks every component.
     *
     * @throws IllegalArgumentException for no interface, a window under 1 ms, fewer than 1 source or a tick that is not positive
     */
    public CounterConfig {
        interfaces = List.copyOf(Objects.requireNonNull(interfaces, "interfaces"));
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("at least one interface is needed");
        }
        Objects.requireNonNull(ports, "ports");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(filter, "filter");
        if (window == null || window.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("window must be at least 1 ms, not " + window);
        }
        if (maxSources < 1) {
            throw new IllegalArgumentException("max sources must be at least 1, not " + maxSources);
        }
        if (tick == null || tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("tick must be positive, not " + tick);
        }
    }

    /**
     * Every default, for these interfaces: all ports, {@link #DEFAULT_WINDOW}, no filter, and so on.
     *
     * @param interfaces the interfaces to attach to
     */
    public CounterConfig(List<String> interfaces) {
        this(interfaces, PortSelection.all(), DEFAULT_WINDOW, DEFAULT_MAX_SOURCES, XdpMode.SKB, DEFAULT_TICK,
                TrafficFilter.DEFAULT);
    }

    /**
     * This configuration with other destination ports to count.
     *
     * @param value the destination ports to count
     * @return the new configuration
     */
    public CounterConfig withPorts(PortSelection value) {
        return new CounterConfig(interfaces, value, window, maxSources, mode, tick, filter);
    }

    /**
     * This configuration with another window length.
     *
     * @param value the window length
     * @return the new configuration
     */
    public CounterConfig withWindow(Duration value) {
        return new CounterConfig(interfaces, ports, value, maxSources, mode, tick, filter);
    }

    /**
     * This configuration with other records per network and window.
     *
     * @param value the records per network and window
     * @return the new configuration
     */
    public CounterConfig withMaxSources(int value) {
        return new CounterConfig(interfaces, ports, window, value, mode, tick, filter);
    }

    /**
     * This configuration with another XDP attach mode.
     *
     * @param value the XDP attach mode
     * @return the new configuration
     */
    public CounterConfig withMode(XdpMode value) {
        return new CounterConfig(interfaces, ports, window, maxSources, value, tick, filter);
    }

    /**
     * This configuration with another clock refresh interval.
     *
     * @param value the clock refresh interval
     * @return the new configuration
     */
    public CounterConfig withTick(Duration value) {
        return new CounterConfig(interfaces, ports, window, maxSources, mode, value, filter);
    }

    /**
     * This configuration with another traffic filter.
     *
     * @param value the traffic filter
     * @return the new configuration
     */
    public CounterConfig withFilter(TrafficFilter value) {
        return new CounterConfig(interfaces, ports, window, maxSources, mode, tick, value);
    }
}
