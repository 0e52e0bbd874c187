package io.github.xdpipcounter.exporter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.xdpipcounter.core.Transport;
import io.github.xdpipcounter.core.Window;
import io.github.xdpipcounter.core.WindowBuilder;
import io.github.xdpipcounter.testing.Promtool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The exporter over real HTTP on loopback, fed windows built without BPF. */
class ExporterHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<Window> latest = new AtomicReference<>();
    private Exporter exporter;
    private WindowMetrics metrics;

    @BeforeAll
    static void serverSettingsAsTheToolSetsThem() {
        JdkHttpServerSettings.applyDefaults();
    }

    @BeforeEach
    void serve() throws IOException {
        exporter = Exporter.bind(new ExporterConfig(InetAddress.getLoopbackAddress(), 0, true));
        metrics = exporter.publish(WindowMetricsTest.INFO, () -> Optional.ofNullable(latest.get()));
    }

    @AfterEach
    void stop() {
        exporter.close();
    }

    private void complete(Window window) {
        latest.set(window);
        metrics.windowCompleted(window);
    }

    private HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsAreServedAsTextAndAsOpenMetrics() throws Exception {
        complete(WindowMetricsTest.firstWindow());
        HttpResponse<String> text = get("/metrics");
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(text.body()).contains("active_users{network=\"IPv4\",port=\"22\",transport=\"TCP\"} 2.0");
        assertThat(Promtool.checkMetrics(text.body())).isEmpty();

        HttpResponse<String> open = get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0");
        assertThat(open.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/openmetrics-text"));
        assertThat(open.body()).contains("active_users{network=\"IPv4\",port=\"22\",transport=\"TCP\"} 2.0").endsWith("# EOF\n");
    }

    @Test
    void gzipScrapesAreAnsweredWithoutWaitingOnNagle() throws Exception {
        complete(WindowMetricsTest.firstWindow());
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/metrics"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        String text = new String(new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes(),
                StandardCharsets.UTF_8);
        assertThat(text).contains("active_users{");
        // Without it, each gzipped scrape waited ~40 ms for a delayed ACK (measured: scripts/bench-exporter).
        assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
    }

    @Test
    void listGivesEverySourceWithWindowBoundsInHeaders() throws Exception {
        complete(WindowMetricsTest.firstWindow());
        HttpResponse<String> response = get("/list");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("X-Window-Start")).hasValue("2026-11-27T08:00:00Z");
        assertThat(response.headers().firstValue("X-Window-End")).hasValue("2026-11-27T08:00:10Z");
        assertThat(response.headers().firstValue("X-Window-Sequence")).hasValue(Long.toString(latest.get().sequence()));
        assertThat(response.headers().firstValue("X-Window-Partial")).hasValue("false");
        assertThat(response.headers().firstValue("X-Window-Sources-Without-Room")).hasValue("0");
        JsonNode list = JSON.readTree(response.body());
        assertThat(list).hasSize(3);
        assertThat(JSON.writeValueAsString(list.get(0))).isEqualTo("{\"ip\":\"10.0.0.1\",\"network\":\"IPv4\",\"transport\":\"TCP\","
                + "\"port\":22,\"packets\":3,\"bytes\":180,\"first_seen\":\"2026-11-27T08:00:01Z\",\"last_seen\":\"2026-11-27T08:00:02Z\"}");
        assertThat(list.get(2).get("ip").asText()).isEqualTo("2001:db8::1");
        assertThat(list.get(2).get("network").asText()).isEqualTo("IPv6");
    }

    /**
     * A window that was full lists the sources it holds and says in its
     * headers that others found no room, and about how many; the next
     * window, with room for all, is whole again.
     */
    @Test
    void aFullWindowsListSaysItIsPartial() throws Exception {
        complete(WindowBuilder.starting(WindowMetricsTest.START, Duration.ofSeconds(10))
                .source("10.0.0.1", Transport.TCP, 22).source("10.0.0.2", Transport.TCP, 22)
                .withoutRoom("192.0.2.1", Transport.TCP, 22, 1, 60).withoutRoom("192.0.2.2", Transport.TCP, 22, 4, 240)
                .withoutRoom("2001:db8::9", Transport.UDP, 53, 1, 80).build());
        HttpResponse<String> partial = get("/list");
        assertThat(partial.headers().firstValue("X-Window-Partial")).hasValue("true");
        assertThat(partial.headers().firstValue("X-Window-Sources-Without-Room")).hasValue("3");
        assertThat(JSON.readTree(partial.body())).hasSize(2);
        assertThat(get("/list?network=IPv6").headers().firstValue("X-Window-Partial"))
                .as("the header is the window's, whatever the filter").hasValue("true");

        complete(WindowMetricsTest.firstWindow());
        HttpResponse<String> whole = get("/list");
        assertThat(whole.headers().firstValue("X-Window-Partial")).hasValue("false");
        assertThat(whole.headers().firstValue("X-Window-Sources-Without-Room")).hasValue("0");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                | 10.0.0.1 10.0.0.2 2001:db8::1 2001:db8::5
            ?network=IPv6                     | 2001:db8::1 2001:db8::5
            ?network=ipv4                     | 10.0.0.1 10.0.0.2
            ?transport=udp                    | 2001:db8::1
            ?transport=TCP&network=IPv6       | 2001:db8::5
            ?port=22                          | 10.0.0.1 10.0.0.2 2001:db8::5
            ?port=22&limit=2                  | 10.0.0.1 10.0.0.2
            ?limit=0                          | ''
            ?port=9                           | ''
            ?transport=UDP-Lite               | ''
            """)
    void listFilters(String query, String expected) throws Exception {
        complete(WindowBuilder.starting(WindowMetricsTest.START, Duration.ofSeconds(10))
                .source("10.0.0.1", Transport.TCP, 22).source("10.0.0.2", Transport.TCP, 22)
                .source("2001:db8::1", Transport.UDP, 53).source("2001:db8::5", Transport.TCP, 22).build());
        HttpResponse<String> response = get("/list" + query);
        assertThat(response.statusCode()).isEqualTo(200);
        StringBuilder ips = new StringBuilder();
        JSON.readTree(response.body()).forEach(n -> ips.append(ips.isEmpty() ? "" : " ").append(n.get("ip").asText()));
        assertThat(ips.toString()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ?network=IPv5      | bad network 'IPv5': use IPv4 or IPv6
            ?transport=gre     | bad transport 'gre': use TCP, UDP, UDP-Lite, SCTP, ICMP or ICMPv6
            ?port=65536        | bad port '65536': expected a port, 0-65535
            ?port=http         | bad port 'http': expected a port, 0-65535
            ?limit=-1          | bad limit '-1': expected a count, 0 or more
            ?port=22&port=23   | query parameter 'port' is given more than once
            ?ip=10.0.0.1       | unknown query parameter 'ip': the filters are network, transport, port and limit
            """)
    void aBadQueryIsA400WithAOneLineJsonError(String query, String message) throws Exception {
        HttpResponse<String> response = get("/list" + query);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).doesNotContain("\n");
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo(message);
    }

    @Test
    void beforeTheFirstWindowTheListIsEmptyAndHasNoBounds() throws Exception {
        HttpResponse<String> response = get("/list");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("[]");
        assertThat(response.headers().firstValue("X-Window-Start")).isEmpty();
        assertThat(response.headers().firstValue("X-Window-Partial")).isEmpty();
    }

    @Test
    void onlyGetAndHeadAreAnswered() throws Exception {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(exporter.listUri().resolve("//127.0.0.1:" + exporter.port() + "/list"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
        assertThat(get("/").body()).contains("/metrics").contains("/list");
    }

    @Test
    void withoutServeIpListTheListIsA404ThatSaysHowToTurnItOn() throws Exception {
        try (Exporter quiet = Exporter.bind(new ExporterConfig(InetAddress.getLoopbackAddress(), 0, false))) {
            HttpResponse<String> response = getList(quiet);
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).isEqualTo("{\"error\":\"/list is not served (ExporterConfig.serveIpList is false)\"}");
        }
    }

    @Test
    void theEmbedderSaysInItsOwnTermsHowToTurnTheListOn() throws Exception {
        ExporterConfig config = new ExporterConfig(InetAddress.getLoopbackAddress(), 0, false)
                .withUnservedList("ask the operator for the list");
        try (Exporter quiet = Exporter.bind(config)) {
            HttpResponse<String> response = getList(quiet);
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).isEqualTo("{\"error\":\"ask the operator for the list\"}");
        }
    }

    private HttpResponse<String> getList(Exporter served) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + served.port() + "/list")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPortInUseIsABindException() {
        assertThatThrownBy(() -> Exporter.bind(new ExporterConfig(InetAddress.getLoopbackAddress(), exporter.port(), true)))
                .isInstanceOf(BindException.class);
    }
}
