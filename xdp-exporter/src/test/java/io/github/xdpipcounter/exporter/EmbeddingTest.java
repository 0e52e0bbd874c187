package io.github.xdpipcounter.exporter;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.Attachment;
import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.Transport;
import io.github.xdpipcounter.core.Window;
import io.github.xdpipcounter.core.WindowBuilder;
import io.github.xdpipcounter.testing.Exposition;
import io.github.xdpipcounter.testing.Promtool;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The exporter's parts in an application's own registry and HTTP server:
 * several counters' metrics in one registry, told apart by a name prefix,
 * a clash refused at registration, and /list mounted on a server of the
 * application's.
 */
class EmbeddingTest {
    private static final CounterInfo LAN = new CounterInfo("0.1.0-test", "1.1", List.of("lan0"), "skb",
            PortSelection.parse("22"), Duration.ofSeconds(10), 4096);
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static WindowMetrics lanMetrics(String prefix) {
        return new WindowMetrics(LAN, prefix, SeriesLimits.DEFAULT, () -> List.of(new Attachment("lan0", 3, true)));
    }

    @Test
    void twoCountersInOneRegistryScrapeFineUnderTheirOwnNames() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        WindowMetrics wan = new WindowMetrics(WindowMetricsTest.INFO);
        WindowMetrics lan = lanMetrics("lan_");
        registry.register(wan);
        registry.register(lan);
        wan.windowCompleted(WindowMetricsTest.firstWindow());
        lan.windowCompleted(WindowBuilder.starting(WindowMetricsTest.START, Duration.ofSeconds(10))
                .source("192.0.2.7", Transport.TCP, 22).source("192.0.2.8", Transport.TCP, 22)
                .source("192.0.2.9", Transport.TCP, 22).build());

        String scrape = scrapeOverHttp(registry);
        var samples = Exposition.samples(scrape);
        assertThat(samples).containsEntry(Exposition.series("active_users", "IPv4", "TCP", 22), 2.0)
                .containsEntry(Exposition.series("lan_active_users", "IPv4", "TCP", 22), 3.0)
                .containsEntry("xdp_ipc_windows_total", 1.0)
                .containsEntry("lan_xdp_ipc_windows_total", 1.0)
                .containsKey("lan_xdp_ipc_info{destinations=\"any\",interface=\"lan0\",libbpf_version=\"1.1\",mode=\"skb\",ports=\"22\",sources=\"all\",tcp=\"all\",transports=\"TCP,UDP,UDP-Lite,SCTP\",version=\"0.1.0-test\"}");
        assertThat(Promtool.checkMetrics(scrape)).isEmpty();
    }

    @Test
    void aClashingRegistrationFailsAtRegisterAndTheFirstCounterStillScrapes() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        WindowMetrics first = new WindowMetrics(WindowMetricsTest.INFO);
        registry.register(first);
        first.windowCompleted(WindowMetricsTest.firstWindow());

        assertThatThrownBy(() -> registry.register(lanMetrics("")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("active_users");

        String scrape = scrapeOverHttp(registry);
        assertThat(Exposition.samples(scrape)).containsEntry(Exposition.series("active_users", "IPv4", "TCP", 22), 2.0);
        assertThat(scrape).doesNotContain("lan0");
    }

    @Test
    void aPrefixThatCannotStartAMetricNameIsRefused() {
        assertThatThrownBy(() -> lanMetrics("9lan_"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'9lan_'");
        assertThatThrownBy(() -> lanMetrics("lan-"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theListHandlerServesOnTheApplicationsOwnServer() throws Exception {
        Window window = WindowMetricsTest.firstWindow();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/sources", new SourceListHandler(() -> Optional.of(window)));
        server.start();

        HttpResponse<String> response = get("/sources?network=IPv4");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.headers().firstValue("X-Window-Sequence")).contains(Long.toString(window.sequence()));
        assertThat(response.body()).contains("\"ip\":\"10.0.0.1\"").contains("\"ip\":\"10.0.0.2\"")
                .doesNotContain("2001:db8::1");
        assertThat(get("/sources?port=x").statusCode()).isEqualTo(400);
    }

    private String scrapeOverHttp(PrometheusRegistry registry) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", new MetricsHandler(registry));
        server.start();
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        // What the handler served is what the registry holds, in the text format.
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(direct, registry.scrape());
        assertThat(response.body()).isEqualTo(direct.toString(StandardCharsets.UTF_8));
        return response.body();
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
