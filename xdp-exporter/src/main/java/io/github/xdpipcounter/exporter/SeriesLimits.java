package io.github.xdpipcounter.exporter;

/**
 * How many per-port series the metrics may hold, whatever the traffic: a
 * scan of every port from spoofed sources must not grow a scrape without
 * bound.
 *
 * <p>Explicitly configured ports always have their own series. Other ports
 * with traffic (all ports are counted when none are configured) get their own
 * {@code active_users} series up to {@code maxPortSeries}, the busiest first
 * (most unique sources); the rest are folded into one {@code port="other"}
 * row per network and transport, which counts the distinct sources of all
 * folded ports; {@code xdp_ipc_active_users_estimated} marks at most those
 * same rows. Their packet and byte counters follow the same bound: a port
 * keeps its own counters while the table of at most {@code maxPortSeries}
 * ports has room, and loses them after {@code idleWindows} windows without
 * traffic; packets of ports without counters of their own add to
 * {@code port="other"}.
 *
 * @param maxPortSeries per-port rows beyond the configured ports (at least 1)
 * @param idleWindows   windows without traffic after which a port's counters go (at least 1)
 */
public record SeriesLimits(int maxPortSeries, int idleWindows) {
    /** Per-port rows beyond the configured ports, by default. */
    public static final int DEFAULT_MAX_PORT_SERIES = 2048;
    /** Windows without traffic after which a port's counters go, by default. */
    public static final int DEFAULT_IDLE_WINDOWS = 5;
    /** The defaults. */
    public static final SeriesLimits DEFAULT = new SeriesLimits(DEFAULT_MAX_PORT_SERIES, DEFAULT_IDLE_WINDOWS);

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException for a bound under 1
     */
    public SeriesLimits {
        if (maxPortSeries < 1) {
            throw new IllegalArgumentException("max port series must be at least 1, not " + maxPortSeries);
        }
        if (idleWindows < 1) {
            throw new IllegalArgumentException("idle windows must be at least 1, not " + idleWindows);
        }
    }
}
