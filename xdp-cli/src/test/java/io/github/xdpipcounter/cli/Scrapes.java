package io.github.xdpipcounter.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.xdpipcounter.testing.NetworkNamespace;
import io.github.xdpipcounter.testing.Exposition;
import io.github.xdpipcounter.testing.TwoHosts;

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

    /**
     * The exact counts of one {@link TwoHosts#sendFromPeer} of {@code datagrams}
     * datagrams per source to {@code udpPort} and a connection attempt to
     * {@code tcpPort}, all inside one window, run with --ports naming both:
     * 3 sources per network on each port, none on the other transport, every
     * packet and byte.
     */
    static void assertCountedPeerTraffic(Map<String, Double> metrics, int udpPort, int tcpPort, int datagrams) {
        for (String network : List.of("IPv4", "IPv6")) {
            assertThat(metrics).containsEntry(Exposition.series("active_users", network, "UDP", udpPort), 3.0)
                    .containsEntry(Exposition.series("active_users", network, "TCP", tcpPort), 3.0)
                    .containsEntry(Exposition.series("active_users", network, "TCP", udpPort), 0.0)
                    .containsEntry(Exposition.series("active_users", network, "UDP", tcpPort), 0.0)
                    .containsEntry(Exposition.series("xdp_ipc_packets_total", network, "UDP", udpPort), 3.0 * datagrams)
                    .containsEntry(Exposition.series("xdp_ipc_packets_total", network, "TCP", tcpPort), 3.0);
        }
        // 14 Ethernet + 20 IPv4 or 40 IPv6 + 8 UDP + 19 payload bytes per datagram
        assertThat(metrics).containsEntry(Exposition.series("xdp_ipc_bytes_total", "IPv4", "UDP", udpPort), 3.0 * datagrams * 61)
                .containsEntry(Exposition.series("xdp_ipc_bytes_total", "IPv6", "UDP", udpPort), 3.0 * datagrams * 81)
                .containsEntry("xdp_ipc_sources_tracked{network=\"IPv4\"}", 6.0)
                .containsEntry("xdp_ipc_sources_tracked{network=\"IPv6\"}", 6.0)
                .containsEntry("xdp_ipc_capacity_exceeded", 0.0);
    }
}
