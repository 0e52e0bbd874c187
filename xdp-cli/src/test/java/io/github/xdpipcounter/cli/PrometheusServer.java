package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.xdpipcounter.testing.NetworkNamespace;

/**
 * A real Prometheus server (Debian's), started inside a test namespace with
 * a temporary configuration and data directory, scraping one target every
 * second. Closing stops it.
 */
record PrometheusServer(NetworkNamespace ns, Process process, Path log) implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int PORT = 9090;

    static PrometheusServer start(NetworkNamespace ns, Path dir, String target) throws Exception {
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: xdp-ip-counter
                    static_configs:
                      - targets: ['%s']
                """.formatted(target));
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder("ip", "netns", "exec", ns.name(), "prometheus",
                "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + PORT)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(ns, process, log);
        try {
            server.awaitReady(Duration.ofSeconds(30));
            return server;
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
    }

    private void awaitReady(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (Http.get(ns, "http://127.0.0.1:" + PORT + "/-/ready").status() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("prometheus not ready within " + limit + ":\n" + Files.readString(log));
    }

    /** The values of an instant query's vector result (empty when nothing matches). */
    List<Double> query(String promql) throws Exception {
        String url = "http://127.0.0.1:" + PORT + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8);
        Http.Response response = Http.get(ns, url);
        if (response.status() != 200) {
            throw new AssertionError("query " + promql + ": HTTP " + response.status() + " " + response.body());
        }
        JsonNode result = JSON.readTree(response.body()).path("data").path("result");
        return StreamSupport.stream(result.spliterator(), false)
                .map(r -> Double.parseDouble(r.path("value").get(1).asText())).toList();
    }

    /** Polls {@code promql} until it gives exactly {@code expected}; returns what it last gave. */
    List<Double> awaitQuery(String promql, List<Double> expected, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        List<Double> last = List.of();
        while (System.nanoTime() < deadline) {
            last = query(promql);
            if (last.equals(expected)) {
                return last;
            }
            Thread.sleep(250);
        }
        return last;
    }

    /** Polls {@code promql} until it gives any value (a rate needs two scrapes of a new series); returns what it last gave. */
    List<Double> awaitAny(String promql, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        List<Double> last = query(promql);
        while (last.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(250);
            last = query(promql);
        }
        return last;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
