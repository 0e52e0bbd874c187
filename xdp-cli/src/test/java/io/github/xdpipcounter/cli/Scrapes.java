package io.github.xdpipcounter.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.xdpipcounter.core.testing.NetworkNamespace;

import static org.assertj.core.api.Assertions.assertThat;

/** The tool's /metrics on 127.0.0.1:3031 inside its namespace, read as {@code name{labels} -> value}. */
final class Scrapes {
    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)(\\{[^}]*\\})? (\\S+)$");
    private static final String METRICS = "http://127.0.0.1:3031/metrics";

    private Scrapes() {
    }

    /** Polls /metrics until {@code windows} windows have completed (exactly that many); returns that scrape. */
    static Http.Response awaitWindows(NetworkNamespace ns, int windows) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Http.Response response = Http.get(ns, METRICS);
            Double done = samples(response.body()).get("xdp_ipc_windows_total");
            if (done != null && done >= windows) {
                assertThat(done).as("windows completed").isEqualTo((double) windows);
                return response;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("fewer than " + windows + " windows completed within 20 s");
    }

    /** The key {@link #samples} gives a per-port series. */
    static String series(String name, String network, String transport, int port) {
        return name + "{network=\"" + network + "\",port=\"" + port + "\",transport=\"" + transport + "\"}";
    }

    /** Every sample of a Prometheus text exposition, comments left out. */
    static Map<String, Double> samples(String exposition) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : exposition.lines().toList()) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
            }
        }
        return samples;
    }
}
