package io.github.xdpipcounter.core;

import java.time.Duration;

/**
 * The counter's windows: how long each one is, how many source records per
 * network it holds, and how precise the first and last seen times of its
 * records are. The three together decide what a window costs: the length
 * and the records the kernel memory, the tick how often the program's clock
 * is refreshed.
 *
 * @param length     window length (at least 1 ms)
 * @param maxSources source records per network a window holds (at least 1)
 * @param tick       precision of first/last-seen times: how often the program's clock is refreshed (positive)
 */
public record Windows(Duration length, int maxSources, Duration tick) {
    /** The window length unless told. */
    public static final Duration DEFAULT_LENGTH = Duration.ofSeconds(60);
    /** About 25 MB of kernel memory for the four generation maps. */
    public static final int DEFAULT_MAX_SOURCES = 65_536;
    /** How often the program's clock is refreshed unless told: first and last seen are this precise. */
    public static final Duration DEFAULT_TICK = Duration.ofMillis(100);
    /** Every default. */
    public static final Windows DEFAULT = new Windows(DEFAULT_LENGTH, DEFAULT_MAX_SOURCES, DEFAULT_TICK);

    /**
     * Checks every component.
     *
     * @throws IllegalArgumentException for a length under 1 ms, fewer than 1 source or a tick that is not positive
     */
    public Windows {
        if (length == null || length.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("window must be at least 1 ms, not " + length);
        }
        if (maxSources < 1) {
            throw new IllegalArgumentException("max sources must be at least 1, not " + maxSources);
        }
        if (tick == null || tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("tick must be positive, not " + tick);
        }
    }
}
