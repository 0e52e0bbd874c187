/**
 * Publishes an {@link io.github.xdpipcounter.core.IpCounter}'s windows as
 * Micrometer meters: {@link io.github.xdpipcounter.micrometer.IpCounterMetrics}.
 */
module io.github.xdpipcounter.micrometer {
    requires transitive io.github.xdpipcounter.core;
    requires transitive micrometer.core;

    exports io.github.xdpipcounter.micrometer;
}
