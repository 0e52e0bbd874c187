package io.github.xdpipcounter.samples.embedding;

import java.util.List;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import io.github.xdpipcounter.core.CounterConfig;
import io.github.xdpipcounter.core.IpCounter;
import io.github.xdpipcounter.exporter.WindowMetrics;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The counter's metrics in the application's own Prometheus registry, beside its other metrics. */
final class OwnRegistry {
    static final int PORT = 9400;

    private OwnRegistry() {
    }

    static void run(String iface, Duration window, CountDownLatch stop) throws IOException, InterruptedException {
        // tag::own-registry[]
        PrometheusRegistry registry = new PrometheusRegistry(); // or PrometheusRegistry.defaultRegistry
        try (IpCounter counter = IpCounter.start(new CounterConfig(List.of(iface)).withWindow(window));
             HTTPServer server = HTTPServer.builder().port(PORT).registry(registry).buildAndStart()) {
            registry.register(WindowMetrics.following(counter));
            System.out.println("/metrics on port " + server.getPort());
            // A second counter needs a name prefix of its own, or register() refuses it:
            // registry.register(WindowMetrics.following(lanCounter, "lan_", SeriesLimits.DEFAULT));
            stop.await();
        }
        // end::own-registry[]
    }
}
