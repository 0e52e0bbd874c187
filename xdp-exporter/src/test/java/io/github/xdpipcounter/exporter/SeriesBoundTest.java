package io.github.xdpipcounter.exporter;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.Attachment;
import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.Transport;
import io.github.xdpipcounter.core.Window;
import io.github.xdpipcounter.core.WindowBuilder;
import io.github.xdpipcounter.testing.Exposition;
import io.github.xdpipcounter.testing.Promtool;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A spoofed scan of every port over TCP and UDP, IPv4 and IPv6 (262,144
 * records from one source per network) must not grow the exposition or the
 * heap without bound, during the scan or after it. Before the bound, one
 * such scan left 524,022 series in every scrape for good.
 */
class SeriesBoundTest {
    private static final Instant START = Instant.parse("2026-11-27T08:00:00Z");
    private static final Duration LENGTH = Duration.ofSeconds(10);
    private static final SeriesLimits LIMITS = new SeriesLimits(100, 3);

    private static CounterInfo info(String ports) {
        return new CounterInfo("0.1.0-test", "1.1", List.of("veth0"), "skb", PortSelection.parse(ports), LENGTH, 65_536);
    }

    private static WindowMetrics metrics(String ports) {
        CounterInfo info = info(ports);
        return new WindowMetrics(info, "", LIMITS, () -> List.of(new Attachment("veth0", 2, true)));
    }

    /** Every port over TCP and UDP from 192.0.2.1 and 2001:db8::1, plus two real clients of port 22 and 443. */
    static Window scan(int window) {
        WindowBuilder fixture = WindowBuilder.starting(START.plus(LENGTH.multipliedBy(window)), LENGTH);
        for (Transport transport : List.of(Transport.TCP, Transport.UDP)) {
            for (int port = 0; port <= 65_535; port++) {
                fixture.source("192.0.2.1", transport, port).source("2001:db8::1", transport, port);
            }
        }
        return fixture.source("10.0.0.1", Transport.TCP, 22).source("10.0.0.2", Transport.TCP, 22)
                .source("10.0.0.1", Transport.TCP, 443).build();
    }

    static Window quiet(int window) {
        return WindowBuilder.starting(START.plus(LENGTH.multipliedBy(window)), LENGTH)
                .source("10.0.0.1", Transport.TCP, 22).build();
    }

    /** Samples per metric name. */
    private static Map<String, Integer> seriesPerMetric(Map<String, Double> samples) {
        Map<String, Integer> counts = new TreeMap<>();
        samples.keySet().forEach(key -> counts.merge(Exposition.name(key), 1, Integer::sum));
        return counts;
    }

    @Test
    void aScanOfEveryPortStaysWithinTheBoundDuringAndAfterIt() throws Exception {
        WindowMetrics metrics = metrics("0");
        metrics.windowCompleted(scan(0));
        String text = WindowMetricsTest.text(metrics);
        Map<String, Double> during = Exposition.samples(text);
        Map<String, Integer> series = seriesPerMetric(during);
        // 100 ports of their own (the busiest: 22 with 3 sources, then 443 with 3, then the scanned ones) and
        // one "other" row per network and transport.
        assertThat(series.get("active_users")).isEqualTo(100 + 4);
        assertThat(series.get("xdp_ipc_packets_total")).isEqualTo(100 + 4);
        assertThat(series.get("xdp_ipc_bytes_total")).isEqualTo(100 + 4);
        assertThat(during.get(Exposition.series("active_users", "IPv4", "TCP", 22))).isEqualTo(3.0);
        assertThat(during.get(Exposition.series("active_users", "IPv4", "TCP", 443))).isEqualTo(2.0);
        assertThat(during.get(Exposition.series("active_users", "IPv4", "TCP", "other"))).isEqualTo(1.0);
        assertThat(during.get(Exposition.series("active_users", "IPv6", "UDP", "other"))).isEqualTo(1.0);
        assertThat(during.get("xdp_ipc_folded_ports")).isEqualTo((double) (4 * 65_536 - 100));
        // No packet leaves the totals: what the ports without counters of their own sent is in "other".
        assertThat(sum(during, "xdp_ipc_packets_total")).isEqualTo(4 * 65_536 + 3);
        assertThat(Promtool.checkMetrics(text)).isEmpty();

        // The scan goes on for more windows: still bounded.
        for (int w = 1; w <= 2; w++) {
            metrics.windowCompleted(scan(w));
            assertThat(seriesPerMetric(samples(metrics)).get("xdp_ipc_packets_total")).isEqualTo(100 + 4);
        }
        // After it: the scanned ports' counters go after 3 idle windows; the other rows stay (at most 8).
        for (int w = 3; w <= 6; w++) {
            metrics.windowCompleted(quiet(w));
        }
        Map<String, Double> after = samples(metrics);
        assertThat(seriesPerMetric(after).get("active_users")).isEqualTo(1);
        assertThat(seriesPerMetric(after).get("xdp_ipc_packets_total")).isEqualTo(1 + 4);
        assertThat(after.get(Exposition.series("xdp_ipc_packets_total", "IPv4", "TCP", 22))).isEqualTo(13.0);
        assertThat(after.get("xdp_ipc_folded_ports")).isEqualTo(0.0);
    }

    @Test
    void configuredPortsAreNeverFoldedNorExpired() throws Exception {
        WindowMetrics metrics = metrics("22,443,8080");
        metrics.windowCompleted(scan(0));
        Map<String, Double> during = samples(metrics);
        // The program counts configured ports only, but a window holding others (a selection changed at
        // run time) still shows every configured one, however busy the others are.
        assertThat(during.get(Exposition.series("active_users", "IPv4", "TCP", 8080))).isEqualTo(1.0);
        assertThat(during.get(Exposition.series("active_users", "IPv4", "SCTP", 8080))).isEqualTo(0.0);
        for (int w = 1; w <= 10; w++) {
            metrics.windowCompleted(quiet(w));
        }
        Map<String, Double> later = samples(metrics);
        assertThat(later.get(Exposition.series("xdp_ipc_packets_total", "IPv6", "UDP", 8080))).isEqualTo(1.0);
        assertThat(later.get(Exposition.series("active_users", "IPv6", "UDP", 8080))).isEqualTo(0.0);
    }

    @Test
    void theHeapHeldByTheMetricsStaysFlatWhateverTheScan() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        WindowMetrics metrics = metrics("0");
        metrics.windowCompleted(quiet(0));
        long before = usedAfterGc(memory);
        for (int w = 1; w <= 3; w++) {
            metrics.windowCompleted(scan(w));
        }
        long during = usedAfterGc(memory);
        assertThat(WindowMetricsTest.text(metrics)).isNotEmpty();
        long retained = during - before;
        System.out.printf("heap held by the metrics after 3 scan windows: %d KiB%n", retained / 1024);
        // The bound of 100 port series is a few hundred objects; the windows themselves are not kept.
        assertThat(retained).isLessThan(4L << 20);
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** The exposition as samples, looked up one by one: a failure prints one value, not a 20 MB exposition. */
    private static Map<String, Double> samples(WindowMetrics metrics) throws Exception {
        return Exposition.samples(WindowMetricsTest.text(metrics));
    }

    private static long sum(Map<String, Double> samples, String metric) {
        return samples.entrySet().stream().filter(e -> Exposition.name(e.getKey()).equals(metric))
                .mapToLong(e -> e.getValue().longValue()).sum();
    }
}
