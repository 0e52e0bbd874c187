package io.github.xdpipcounter.exporter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.xdpipcounter.core.Attachment;
import io.github.xdpipcounter.core.Transport;
import io.github.xdpipcounter.core.Window;
import io.github.xdpipcounter.core.WindowBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the exporter answers to requests it must refuse, and before and
 * while it counts: raw requests written on a socket, as an attacker or a
 * careless proxy would send them, so that no client library tidies them.
 */
class RoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicReference<Window> latest = new AtomicReference<>();
    private final AtomicBoolean attached = new AtomicBoolean(true);
    private final AtomicBoolean onTime = new AtomicBoolean(true);
    private Exporter exporter;

    @BeforeAll
    static void serverSettingsAsTheToolSetsThem() {
        JdkHttpServerSettings.applyDefaults();
    }

    @BeforeEach
    void bind() throws IOException {
        exporter = Exporter.bind(new ExporterConfig(InetAddress.getLoopbackAddress(), 0, true));
    }

    @AfterEach
    void stop() {
        exporter.close();
    }

    private void serve() {
        WindowMetrics metrics = exporter.publish(WindowMetricsTest.INFO, () -> Optional.ofNullable(latest.get()),
                () -> List.of(new Attachment("veth0", 7, attached.get())), onTime::get);
        Window window = WindowMetricsTest.firstWindow();
        latest.set(window);
        metrics.windowCompleted(window);
    }

    /** Writes one raw request (request line and headers); returns the whole answer as text. */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), exporter.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write((request + "\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }

    private static String body(String answer) {
        return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            GET /metrics HTTP/1.1              | 200
            HEAD /metrics HTTP/1.1             | 200
            GET /list HTTP/1.1                 | 200
            POST /metrics HTTP/1.1             | 405
            DELETE /metrics HTTP/1.1           | 405
            TRACE /metrics HTTP/1.1            | 405
            FOO /metrics HTTP/1.1              | 405
            PUT /list HTTP/1.1                 | 405
            OPTIONS /-/healthy HTTP/1.1        | 405
            GET /metricsXYZ HTTP/1.1           | 404
            GET /metrics/ HTTP/1.1             | 404
            GET /metrics/../list HTTP/1.1      | 404
            GET /%6cist HTTP/1.1               | 404
            GET /list%2F HTTP/1.1              | 404
            GET /list/ HTTP/1.1                | 404
            GET //list HTTP/1.1                | 404
            GET /LIST HTTP/1.1                 | 404
            GET http://evil/list HTTP/1.1      | 400
            GET http://localhost/metrics HTTP/1.1 | 400
            GET /list?port=%2B22 HTTP/1.1      | 400
            GET /list?port=%D9%A3%D9%A0%D9%A3%D9%A1 HTTP/1.1 | 400
            GET /list?limit=%EF%BC%95 HTTP/1.1 | 400
            GET /list?port=-0 HTTP/1.1         | 400
            GET /list?network=%zz HTTP/1.1     | 400
            GET /-/healthy HTTP/1.1            | 200
            GET /-/ready HTTP/1.1              | 200
            """)
    void everyRequestGetsTheRightStatus(String request, int expected) throws IOException {
        serve();
        assertThat(status(raw(request.strip()))).as(request).isEqualTo(expected);
    }

    @Test
    void listErrorsAreJsonWhenTheServerLetsThemThrough() throws IOException {
        serve();
        for (String request : List.of("GET /list?port=%2B22 HTTP/1.1", "GET /list?port=%D9%A3%D9%A0%D9%A3%D9%A1 HTTP/1.1",
                "POST /list HTTP/1.1")) {
            String answer = raw(request);
            assertThat(answer).as(request).containsIgnoringCase("Content-Type: application/json");
            assertThat(JSON.readTree(body(answer)).get("error").asText()).as(request).isNotBlank();
        }
        assertThat(JSON.readTree(body(raw("GET /list?port=%2B22 HTTP/1.1"))).get("error").asText())
                .isEqualTo("bad port '+22': expected a port, 0-65535");
    }

    @Test
    void beforeACounterIsServedNothingAnswers200ButHealth() throws IOException {
        for (String path : List.of("/metrics", "/list", "/-/ready")) {
            String answer = raw("GET " + path + " HTTP/1.1");
            assertThat(status(answer)).as(path).isEqualTo(503);
            assertThat(answer).as(path).containsIgnoringCase("Retry-After: 1").contains("not counting yet");
        }
        assertThat(status(raw("GET /-/healthy HTTP/1.1"))).isEqualTo(200);
        serve();
        assertThat(status(raw("GET /metrics HTTP/1.1"))).isEqualTo(200);
        assertThat(body(raw("GET /-/ready HTTP/1.1"))).isEqualTo("Ready.\n");
        assertThat(body(raw("GET /-/healthy HTTP/1.1"))).isEqualTo("Healthy.\n");
    }

    @Test
    void readyFollowsTheAttachmentAndHealthyTheWindows() throws IOException {
        serve();
        attached.set(false);
        String ready = raw("GET /-/ready HTTP/1.1");
        assertThat(status(ready)).isEqualTo(503);
        assertThat(body(ready)).isEqualTo("attached to no interface\n");
        assertThat(body(raw("GET /metrics HTTP/1.1"))).contains("xdp_ipc_interfaces_attached 0.0")
                .doesNotContain("xdp_ipc_info{");
        attached.set(true);
        assertThat(status(raw("GET /-/ready HTTP/1.1"))).isEqualTo(200);
        onTime.set(false);
        assertThat(status(raw("GET /-/healthy HTTP/1.1"))).isEqualTo(503);
    }

    @Test
    void requestsBeyondTheBoundGet503AtOnce() throws Exception {
        exporter.close();
        exporter = Exporter.bind(new ExporterConfig(InetAddress.getLoopbackAddress(), 0, true)
                .withInFlight(new RequestLimits(1, 1)));
        serve();
        // Hold the one slot with a /list response nobody reads.
        WindowBuilder many = WindowBuilder.starting(WindowMetricsTest.START, Duration.ofSeconds(10));
        for (int i = 0; i < 200_000; i++) {
            int a = 0x0a000001 + i; // 10.0.0.1 upwards
            many.source((a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff),
                    Transport.TCP, 22, 3, 180, Duration.ofMillis(100), Duration.ofMillis(900));
        }
        latest.set(many.build());
        try (Socket hog = new Socket(InetAddress.getLoopbackAddress(), exporter.port())) {
            hog.setReceiveBufferSize(4096);
            hog.getOutputStream().write("GET /list HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            Thread.sleep(300); // the handler now blocks writing 30 MB nobody reads
            String answer = raw("GET /metrics HTTP/1.1");
            assertThat(status(answer)).isEqualTo(503);
            assertThat(answer).containsIgnoringCase("Retry-After: 1").contains("too many requests in progress");
            String list = raw("GET /list HTTP/1.1");
            assertThat(status(list)).isEqualTo(503);
            assertThat(JSON.readTree(body(list)).get("error").asText())
                    .isEqualTo("too many requests in progress from 127.0.0.1: try again later");
        }
    }
}
