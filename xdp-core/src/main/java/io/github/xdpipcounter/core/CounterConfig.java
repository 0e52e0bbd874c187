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
 */
public record CounterConfig(List<String> interfaces, PortSelection ports, Duration window, int maxSources,
                            XdpMode mode, Duration tick) {
    /** The window length unless one is given: a minute. */
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
     * A configuration with every default, for these interfaces.
     *
     * @param interfaces the interfaces to attach to
     * @return a builder
     */
    public static Builder builder(String... interfaces) {
        return new Builder(List.of(interfaces));
    }

    /** Builds a {@link CounterConfig}, every component defaulted but the interfaces. */
    public static final class Builder {
        private List<String> interfaces;
        private PortSelection ports = PortSelection.all();
        private Duration window = DEFAULT_WINDOW;
        private int maxSources = DEFAULT_MAX_SOURCES;
        private XdpMode mode = XdpMode.SKB;
        private Duration tick = DEFAULT_TICK;

        private Builder(List<String> interfaces) {
            this.interfaces = interfaces;
        }

        /**
         * Sets the interfaces to attach to.
         *
         * @param value the interfaces to attach to
         * @return this builder
         */
        public Builder interfaces(List<String> value) {
            this.interfaces = value;
            return this;
        }

        /**
         * Sets the destination ports to count.
         *
         * @param value the destination ports to count
         * @return this builder
         */
        public Builder ports(PortSelection value) {
            this.ports = value;
            return this;
        }

        /**
         * Sets the window length.
         *
         * @param value the window length
         * @return this builder
         */
        public Builder window(Duration value) {
            this.window = value;
            return this;
        }

        /**
         * Sets the records per network and window.
         *
         * @param value the records per network and window
         * @return this builder
         */
        public Builder maxSources(int value) {
            this.maxSources = value;
            return this;
        }

        /**
         * Sets the XDP attach mode.
         *
         * @param value the XDP attach mode
         * @return this builder
         */
        public Builder mode(XdpMode value) {
            this.mode = value;
            return this;
        }

        /**
         * Sets how often the program's clock is refreshed.
         *
         * @param value how often the program's clock is refreshed
         * @return this builder
         */
        public Builder tick(Duration value) {
            this.tick = value;
            return this;
        }

        /**
         * The configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException as the record's constructor
         */
        public CounterConfig build() {
            return new CounterConfig(interfaces, ports, window, maxSources, mode, tick);
        }
    }
}
