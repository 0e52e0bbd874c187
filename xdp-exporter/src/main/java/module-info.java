/**
 * Serves an {@link io.github.xdpipcounter.core.IpCounter}'s windows: as
 * Prometheus metrics ({@link io.github.xdpipcounter.exporter.WindowMetrics},
 * for any {@code PrometheusRegistry}), as a JSON list of sources
 * ({@link io.github.xdpipcounter.exporter.SourceListHandler}, for any
 * {@code com.sun.net.httpserver.HttpServer}), or both at once on a server
 * of its own ({@link io.github.xdpipcounter.exporter.Exporter}), with TLS
 * and basic authentication.
 */
module io.github.xdpipcounter.exporter {
    requires transitive io.github.xdpipcounter.core;
    requires transitive io.prometheus.metrics.model;
    requires transitive jdk.httpserver;
    requires io.prometheus.metrics.exporter.httpserver;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.yaml.snakeyaml;
    // Its Automatic-Module-Name (BCrypt for basic_auth_users).
    requires spring.security.crypto;

    exports io.github.xdpipcounter.exporter;
}
