package io.github.xdpipcounter.cli;

import java.time.Duration;

import io.github.xdpipcounter.testing.NetworkNamespace;
import io.github.xdpipcounter.testing.Exposition;

import static org.assertj.core.api.Assertions.assertThat;

/** The tool's /metrics on 127.0.0.1:3031 inside its namespace, read with {@link Exposition}. */
final class Scrapes {
    static final String METRICS = "http://127.0.0.1:3031/metrics";

    private Scrapes() {
    }

    /** Polls /metrics until {@code windows} windows have completed (exactly that many); returns that scrape. */
    static Http.Response awaitWindows(NetworkNamespace ns, int windows) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Http.Response response = Http.get(ns, METRICS);
            Double done = Exposition.samples(response.body()).get("xdp_ipc_windows_total");
            if (done != null && done >= windows) {
                assertThat(done).as("windows completed").isEqualTo((double) windows);
                return response;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("fewer than " + windows + " windows completed within 20 s");
    }
}
