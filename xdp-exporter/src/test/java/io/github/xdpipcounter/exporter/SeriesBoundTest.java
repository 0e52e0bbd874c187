package io.github.xdpipcounter.exporter;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.Attachment;
import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.Transport;
import io.github.xdpipcounter.core.Window;
import io.github.xdpipcounter.core.WindowFixture;

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
    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)\\{([^}]*)\\} (\\S+)$");
    private static final SeriesLimits LIMITS = new SeriesLimits(100, 3);

    private static CounterInfo info(String ports) {
        return new CounterInfo("0.1.0-test", "1.1", List.of("veth0"), "skb", PortSelection.parse(ports), LENGTH, 65_536);
    }

    private static WindowMetrics metrics(String ports) {
        CounterInfo info = info(ports);
        return new WindowMetrics(info, LIMITS, () -> List.of(new Attachment("veth0", 2, true)));
    }

    /** Every port over TCP and UDP from 192.0.2.1 and 2001:db8::1, plus two real clients of port 22 and 443. */
    static Window scan(int window) {
        WindowFixture fixture = WindowFixture.starting(START.plus(LENGTH.multipliedBy(window)), LENGTH);
        for (Transport transport : List.of(Transport.TCP, Transport.UDP)) {
            for (int port = 0; port <= 65_535; port++) {
                fixture.source("192.0.2.1", transport, port).source("2001:db8::1", transport, port);
            }
        }
        return fixture.source("10.0.0.1", Transport.TCP, 22).source("10.0.0.2", Transport.TCP, 22)
                .source("10.0.0.1", Transport.TCP, 443).build();
    }

    static Window quiet(int window) {
        return WindowFixture.starting(START.plus(LENGTH.multipliedBy(window)), LENGTH)
                .source("10.0.0.1", Transport.TCP, 22).build();
    }

    /** Sample lines per metric name, and the samples of port="other". */
    private static Map<String, Integer> seriesPerMetric(String text) {
        Map<String, Integer> counts = new TreeMap<>();
        text.lines().map(SAMPLE::matcher).filter(Matcher::matches).forEach(m -> counts.merge(m.group(1), 1, Integer::sum));
        return counts;
    }

    @Test
    void aScanOfEveryPortStaysWithinTheBoundDuringAndAfterIt() throws Exception {
        WindowMetrics metrics = metrics("0");
        metrics.windowCompleted(scan(0));
        String during = WindowMetricsTest.text(metrics);
        Map<String, Integer> series = seriesPerMetric(during);
        // 100 ports of their own (the busiest: 22 with 3 sources, then 443 with 3, then the scanned ones) and
        // one "other" row per network and transport.
        assertThat(series.get("active_users")).isEqualTo(100 + 4);
        assertThat(series.get("xdp_ipc_packets_total")).isEqualTo(100 + 4);
        assertThat(series.get("xdp_ipc_bytes_total")).isEqualTo(100 + 4);
        assertThat(sample(during, "active_users{network=\"IPv4\",port=\"22\",transport=\"TCP\"}")).isEqualTo("3.0");
        assertThat(sample(during, "active_users{network=\"IPv4\",port=\"443\",transport=\"TCP\"}")).isEqualTo("2.0");
        assertThat(sample(during, "active_users{network=\"IPv4\",port=\"other\",transport=\"TCP\"}")).isEqualTo("1.0");
        assertThat(sample(during, "active_users{network=\"IPv6\",port=\"other\",transport=\"UDP\"}")).isEqualTo("1.0");
        assertThat(sample(during, "xdp_ipc_folded_ports")).isEqualTo((4 * 65_536 - 100) + ".0");
        // No packet leaves the totals: what the ports without counters of their own sent is in "other".
        assertThat(sum(during, "xdp_ipc_packets_total")).isEqualTo(4 * 65_536 + 3);
        assertThat(Promtool.checkMetrics(during)).isEmpty();

        // The scan goes on for more windows: still bounded.
        for (int w = 1; w <= 2; w++) {
            metrics.windowCompleted(scan(w));
            assertThat(seriesPerMetric(WindowMetricsTest.text(metrics)).get("xdp_ipc_packets_total")).isEqualTo(100 + 4);
        }
        // After it: the scanned ports' counters go after 3 idle windows; the other rows stay (at most 8).
        for (int w = 3; w <= 6; w++) {
            metrics.windowCompleted(quiet(w));
        }
        String after = WindowMetricsTest.text(metrics);
        assertThat(seriesPerMetric(after).get("active_users")).isEqualTo(1);
        assertThat(seriesPerMetric(after).get("xdp_ipc_packets_total")).isEqualTo(1 + 4);
        assertThat(sample(after, "xdp_ipc_packets_total{network=\"IPv4\",port=\"22\",transport=\"TCP\"}")).isEqualTo("13.0");
        assertThat(sample(after, "xdp_ipc_folded_ports")).isEqualTo("0.0");
    }

    @Test
    void configuredPortsAreNeverFoldedNorExpired() throws Exception {
        WindowMetrics metrics = metrics("22,443,8080");
        metrics.windowCompleted(scan(0));
        String text = WindowMetricsTest.text(metrics);
        // The program counts configured ports only, but a window holding others (a selection changed at
        // run time) still shows every configured one, however busy the others are.
        assertThat(sample(text, "active_users{network=\"IPv4\",port=\"8080\",transport=\"TCP\"}")).isEqualTo("1.0");
        assertThat(sample(text, "active_users{network=\"IPv4\",port=\"8080\",transport=\"SCTP\"}")).isEqualTo("0.0");
        for (int w = 1; w <= 10; w++) {
            metrics.windowCompleted(quiet(w));
        }
        String later = WindowMetricsTest.text(metrics);
        assertThat(sample(later, "xdp_ipc_packets_total{network=\"IPv6\",port=\"8080\",transport=\"UDP\"}")).isEqualTo("1.0");
        assertThat(sample(later, "active_users{network=\"IPv6\",port=\"8080\",transport=\"UDP\"}")).isEqualTo("0.0");
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

    /** The value of one series, or null; a failure then prints one line, not a 20 MB exposition. */
    private static String sample(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).map(l -> l.substring(series.length() + 1))
                .findFirst().orElse(null);
    }

    private static long sum(String text, String metric) {
        return text.lines().map(SAMPLE::matcher).filter(m -> m.matches() && m.group(1).equals(metric))
                .mapToLong(m -> (long) Double.parseDouble(m.group(3))).sum();
    }
}
