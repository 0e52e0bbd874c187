package io.github.xdpipcounter.micrometer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.Transport;
import io.github.xdpipcounter.core.Window;
import io.github.xdpipcounter.core.WindowBuilder;
import io.github.xdpipcounter.testing.Exposition;
import io.github.xdpipcounter.testing.Promtool;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;

class IpCounterMetricsTest {
    private static final Instant START = Instant.parse("2026-11-27T08:00:00Z");
    private static final Duration LENGTH = Duration.ofSeconds(10);

    /** Two sources to TCP 22 (4 packets, 240 bytes), one to UDP 53 over IPv6, one to TCP 8080. */
    private static Window first() {
        return WindowBuilder.starting(START, LENGTH)
                .source("10.0.0.1", Transport.TCP, 22, 3, 180, Duration.ofSeconds(1), Duration.ofSeconds(2))
                .source("10.0.0.2", Transport.TCP, 22, 1, 60, Duration.ofSeconds(3), Duration.ofSeconds(3))
                .source("2001:db8::1", Transport.UDP, 53, 2, 200, Duration.ofSeconds(4), Duration.ofSeconds(5))
                .source("10.0.0.3", Transport.TCP, 8080, 5, 300, Duration.ofSeconds(1), Duration.ofSeconds(9))
                .build();
    }

    /** One source to TCP 22 (2 packets, 120 bytes); 53 and 8080 idle. */
    private static Window second() {
        return WindowBuilder.starting(START.plus(LENGTH), LENGTH)
                .source("10.0.0.9", Transport.TCP, 22, 2, 120, Duration.ofSeconds(1), Duration.ofSeconds(2))
                .build();
    }

    private static double gauge(SimpleMeterRegistry registry, String network, String transport, String port) {
        return registry.get(IpCounterMetrics.ACTIVE_USERS)
                .tags("network", network, "transport", transport, "port", port).gauge().value();
    }

    private static double packets(SimpleMeterRegistry registry, String network, String transport, String port) {
        return registry.get(IpCounterMetrics.PACKETS)
                .tags("network", network, "transport", transport, "port", port).functionCounter().count();
    }

    @Test
    void metersFollowTheLastCompletedWindowAndTotalsAddUp() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IpCounterMetrics metrics = new IpCounterMetrics(PortSelection.parse("22,53"), Tags.empty(),
                IpCounterMetrics.DEFAULT_MAX_PORT_METERS);
        metrics.bindTo(registry);
        assertThat(registry.getMeters()).as("nothing before the first window").isEmpty();

        metrics.windowCompleted(first());
        assertThat(gauge(registry, "IPv4", "TCP", "22")).isEqualTo(2);
        assertThat(gauge(registry, "IPv6", "UDP", "53")).isEqualTo(1);
        assertThat(gauge(registry, "IPv4", "TCP", "8080")).isEqualTo(1);
        assertThat(gauge(registry, "IPv6", "SCTP", "22")).as("a selected port shows 0 while idle").isZero();
        assertThat(packets(registry, "IPv4", "TCP", "22")).isEqualTo(4);
        assertThat(registry.get(IpCounterMetrics.BYTES).tags("network", "IPv4", "transport", "TCP", "port", "22")
                .functionCounter().count()).isEqualTo(240);

        Window second = second();
        metrics.windowCompleted(second);
        metrics.windowCompleted(second); // seen already: counts once
        assertThat(gauge(registry, "IPv4", "TCP", "22")).isEqualTo(1);
        assertThat(gauge(registry, "IPv4", "TCP", "8080")).as("idle in the last window").isZero();
        assertThat(packets(registry, "IPv4", "TCP", "22")).isEqualTo(6);
        assertThat(packets(registry, "IPv4", "TCP", "8080")).isEqualTo(5);
    }

    @Test
    void portsBeyondTheBoundFoldIntoOtherWithTheirDistinctSources() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IpCounterMetrics metrics = new IpCounterMetrics(PortSelection.all(), Tags.of("counter", "lan"), 1);
        metrics.windowCompleted(WindowBuilder.starting(START, LENGTH)
                .source("10.0.0.1", Transport.TCP, 22)
                .source("10.0.0.1", Transport.TCP, 80).source("10.0.0.1", Transport.TCP, 443)
                .source("10.0.0.2", Transport.TCP, 443).build());
        metrics.bindTo(registry); // bound after the window: the meters made so far register now

        assertThat(registry.get(IpCounterMetrics.ACTIVE_USERS).tags("counter", "lan", "port", "22").gauge().value())
                .isEqualTo(1);
        assertThat(gauge(registry, "IPv4", "TCP", IpCounterMetrics.OTHER_PORT)).as("10.0.0.1 and 10.0.0.2").isEqualTo(2);
        assertThat(packets(registry, "IPv4", "TCP", IpCounterMetrics.OTHER_PORT)).isEqualTo(3);
        assertThat(registry.find(IpCounterMetrics.ACTIVE_USERS).tag("port", "80").gauge()).isNull();
    }

    @Test
    void aPrometheusMeterRegistryServesThemOverHttpUnderTheExportersNames() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        IpCounterMetrics metrics = new IpCounterMetrics(PortSelection.parse("22,53"), Tags.empty(),
                IpCounterMetrics.DEFAULT_MAX_PORT_METERS);
        metrics.bindTo(registry);
        metrics.windowCompleted(first());

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (exchange) {
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
            String scrape = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
            Map<String, Double> samples = Exposition.samples(scrape);
            assertThat(samples)
                    .containsEntry(Exposition.series("active_users", "IPv4", "TCP", 22), 2.0)
                    .containsEntry(Exposition.series("active_users", "IPv6", "UDP", 53), 1.0)
                    .containsEntry(Exposition.series("xdp_ipc_packets_total", "IPv4", "TCP", 22), 4.0)
                    .containsEntry(Exposition.series("xdp_ipc_bytes_total", "IPv4", "TCP", 22), 240.0);
            assertThat(Promtool.checkMetrics(scrape)).isEmpty();
        } finally {
            server.stop(0);
        }
    }
}
