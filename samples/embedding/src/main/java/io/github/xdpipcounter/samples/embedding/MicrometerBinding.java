package io.github.xdpipcounter.samples.embedding;

import java.util.List;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import com.sun.net.httpserver.HttpServer;

import io.github.xdpipcounter.core.CounterConfig;
import io.github.xdpipcounter.core.IpCounter;
import io.github.xdpipcounter.micrometer.IpCounterMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The counter as Micrometer meters, in whatever registry the application has (here Prometheus'). */
final class MicrometerBinding {
    static final int PORT = 9402;

    private MicrometerBinding() {
    }

    static void run(String iface, Duration window, CountDownLatch stop) throws IOException, InterruptedException {
        // tag::micrometer[]
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (IpCounter counter = IpCounter.start(new CounterConfig(List.of(iface)).withWindow(window))) {
            IpCounterMetrics.following(counter, Tags.of("counter", iface)).bindTo(registry);
            // Spring Boot's actuator serves the registry; without one, a handler does:
            HttpServer server = HttpServer.create(new InetSocketAddress(PORT), 0);
            server.createContext("/metrics", exchange -> {
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            stop.await();
            server.stop(0);
        }
        // end::micrometer[]
    }
}
