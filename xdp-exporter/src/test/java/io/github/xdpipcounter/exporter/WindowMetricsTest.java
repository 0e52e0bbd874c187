package io.github.xdpipcounter.exporter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.IgnoreReason;
import io.github.xdpipcounter.core.Network;
import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.Transport;
import io.github.xdpipcounter.core.Window;
import io.github.xdpipcounter.core.WindowBuilder;
import io.github.xdpipcounter.testing.Exposition;
import io.github.xdpipcounter.testing.Promtool;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

class WindowMetricsTest {
    static final Instant START = Instant.parse("2026-11-27T08:00:00Z");
    static final CounterInfo INFO = new CounterInfo("0.1.0-test", "1.1", List.of("veth0", "veth1"), "skb",
            PortSelection.parse("22,53"), Duration.ofSeconds(10), 4096);

    static Window firstWindow() {
        return WindowBuilder.starting(START, Duration.ofSeconds(10))
                .source("10.0.0.1", Transport.TCP, 22, 3, 180, Duration.ofSeconds(1), Duration.ofSeconds(2))
                .source("10.0.0.2", Transport.TCP, 22, 1, 60, Duration.ofSeconds(3), Duration.ofSeconds(3))
                .source("2001:db8::1", Transport.UDP, 53, 2, 200, Duration.ofSeconds(4), Duration.ofSeconds(5))
                .ignored(IgnoreReason.NOT_IP, 7)
                .ignored(IgnoreReason.PORT_FILTERED, 2)
                .build();
    }

    static String text(WindowMetrics metrics) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.collect());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void beforeTheFirstWindowOnlyTheCounterItselfIsDescribed() throws Exception {
        String text = text(new WindowMetrics(INFO));
        assertThat(text)
                .contains("xdp_ipc_info{destinations=\"any\",interface=\"veth0\",libbpf_version=\"1.1\",mode=\"skb\",ports=\"22,53\",sources=\"all\",tcp=\"all\",transports=\"TCP,UDP,UDP-Lite,SCTP\",version=\"0.1.0-test\"} 1")
                .contains("xdp_ipc_info{destinations=\"any\",interface=\"veth1\",")
                .contains("xdp_ipc_window_seconds 10.0")
                .contains("xdp_ipc_sources_capacity{network=\"IPv4\"} 4096.0")
                .contains("xdp_ipc_windows_total 0.0")
                .doesNotContain("xdp_ipc_packets_total{")
                .doesNotContain("active_users{")
                .doesNotContain("active_users_estimated")
                .contains("xdp_ipc_active_users_relative_error 0.016155679")
                .doesNotContain("last_window_end");
    }

    /**
     * The whole exposition of a known window, as a scraper reads it: any change
     * to a name, a label, the order, a HELP text or a value shows here.
     * 10.0.0.1 (3 packets, 180 bytes) and 10.0.0.2 (1, 60) to TCP 22 make
     * IPv4 TCP 22 two users, 4 packets, 240 bytes; every configured port is
     * shown for every network and transport, idle ones as 0; the window ended
     * at 2026-11-27T08:00:10Z = 1795766410 s.
     */
    @Test
    void theExpositionOfAKnownWindow() throws Exception {
        WindowMetrics metrics = new WindowMetrics(INFO);
        metrics.windowCompleted(firstWindow());
        assertThat(text(metrics)).isEqualTo("""
            # HELP active_users Unique source addresses per destination port in the last completed window; port="other" counts the distinct sources of the ports folded into it; a HyperLogLog estimate where xdp_ipc_active_users_estimated marks the row.
            # TYPE active_users gauge
            active_users{network="IPv4",port="22",transport="SCTP"} 0.0
            active_users{network="IPv4",port="22",transport="TCP"} 2.0
            active_users{network="IPv4",port="22",transport="UDP"} 0.0
            active_users{network="IPv4",port="22",transport="UDP-Lite"} 0.0
            active_users{network="IPv4",port="53",transport="SCTP"} 0.0
            active_users{network="IPv4",port="53",transport="TCP"} 0.0
            active_users{network="IPv4",port="53",transport="UDP"} 0.0
            active_users{network="IPv4",port="53",transport="UDP-Lite"} 0.0
            active_users{network="IPv6",port="22",transport="SCTP"} 0.0
            active_users{network="IPv6",port="22",transport="TCP"} 0.0
            active_users{network="IPv6",port="22",transport="UDP"} 0.0
            active_users{network="IPv6",port="22",transport="UDP-Lite"} 0.0
            active_users{network="IPv6",port="53",transport="SCTP"} 0.0
            active_users{network="IPv6",port="53",transport="TCP"} 0.0
            active_users{network="IPv6",port="53",transport="UDP"} 1.0
            active_users{network="IPv6",port="53",transport="UDP-Lite"} 0.0
            # HELP xdp_ipc_info The counter: versions, filters, and one series per interface it is attached to now.
            # TYPE xdp_ipc_info gauge
            xdp_ipc_info{destinations="any",interface="veth0",libbpf_version="1.1",mode="skb",ports="22,53",sources="all",tcp="all",transports="TCP,UDP,UDP-Lite,SCTP",version="0.1.0-test"} 1
            xdp_ipc_info{destinations="any",interface="veth1",libbpf_version="1.1",mode="skb",ports="22,53",sources="all",tcp="all",transports="TCP,UDP,UDP-Lite,SCTP",version="0.1.0-test"} 1
            # HELP xdp_ipc_active_users_relative_error Relative standard error of the estimated active_users rows (HyperLogLog, lgK 12): an estimate is within one such error of the truth 68% of the time, within three 99.7%.
            # TYPE xdp_ipc_active_users_relative_error gauge
            xdp_ipc_active_users_relative_error 0.016155679
            # HELP xdp_ipc_bytes_total Bytes (whole frames) counted per destination port, over completed windows.
            # TYPE xdp_ipc_bytes_total counter
            xdp_ipc_bytes_total{network="IPv4",port="22",transport="TCP"} 240.0
            xdp_ipc_bytes_total{network="IPv6",port="53",transport="UDP"} 200.0
            # HELP xdp_ipc_capacity_exceeded 1 when some source found the last completed window full: it has no record and its row is estimated.
            # TYPE xdp_ipc_capacity_exceeded gauge
            xdp_ipc_capacity_exceeded 0.0
            # HELP xdp_ipc_folded_ports Ports with traffic in the last completed window shown only in the port="other" rows.
            # TYPE xdp_ipc_folded_ports gauge
            xdp_ipc_folded_ports 0.0
            # HELP xdp_ipc_ignored_packets_total Packets passed without being counted, by reason, over all completed windows.
            # TYPE xdp_ipc_ignored_packets_total counter
            xdp_ipc_ignored_packets_total{reason="malformed"} 0.0
            xdp_ipc_ignored_packets_total{reason="non_first_fragment"} 0.0
            xdp_ipc_ignored_packets_total{reason="not_connection_attempt"} 0.0
            xdp_ipc_ignored_packets_total{reason="not_for_this_host"} 0.0
            xdp_ipc_ignored_packets_total{reason="not_ip"} 7.0
            xdp_ipc_ignored_packets_total{reason="port_filtered"} 2.0
            xdp_ipc_ignored_packets_total{reason="source_excluded"} 0.0
            xdp_ipc_ignored_packets_total{reason="transport_not_tracked"} 0.0
            # HELP xdp_ipc_interfaces_attached Configured interfaces the program is attached to now.
            # TYPE xdp_ipc_interfaces_attached gauge
            xdp_ipc_interfaces_attached 2.0
            # HELP xdp_ipc_interfaces_configured Interfaces the counter is configured to attach to.
            # TYPE xdp_ipc_interfaces_configured gauge
            xdp_ipc_interfaces_configured 2.0
            # HELP xdp_ipc_last_window_end_timestamp_seconds When the last completed window ended, on the wall clock, in seconds since the epoch.
            # TYPE xdp_ipc_last_window_end_timestamp_seconds gauge
            xdp_ipc_last_window_end_timestamp_seconds 1.79576641E9
            # HELP xdp_ipc_packets_total Packets counted per destination port, over completed windows.
            # TYPE xdp_ipc_packets_total counter
            xdp_ipc_packets_total{network="IPv4",port="22",transport="TCP"} 4.0
            xdp_ipc_packets_total{network="IPv6",port="53",transport="UDP"} 2.0
            # HELP xdp_ipc_sources_capacity Source records per network a window holds; sources beyond it are estimated.
            # TYPE xdp_ipc_sources_capacity gauge
            xdp_ipc_sources_capacity{network="IPv4"} 4096.0
            xdp_ipc_sources_capacity{network="IPv6"} 4096.0
            # HELP xdp_ipc_sources_tracked Source records (source, network, transport, port) in the last completed window.
            # TYPE xdp_ipc_sources_tracked gauge
            xdp_ipc_sources_tracked{network="IPv4"} 2.0
            xdp_ipc_sources_tracked{network="IPv6"} 1.0
            # HELP xdp_ipc_sources_without_room_total Sources that found a full window and got no record (estimated, each once per window), over all completed windows.
            # TYPE xdp_ipc_sources_without_room_total counter
            xdp_ipc_sources_without_room_total 0.0
            # HELP xdp_ipc_window_seconds Configured length of a counting window.
            # TYPE xdp_ipc_window_seconds gauge
            xdp_ipc_window_seconds 10.0
            # HELP xdp_ipc_windows_total Windows completed since start.
            # TYPE xdp_ipc_windows_total counter
            xdp_ipc_windows_total 1.0
            """);
    }

    @Test
    void countersAddUpWindowsWhileActiveUsersFollowsTheLastOne() throws Exception {
        WindowMetrics metrics = new WindowMetrics(INFO);
        metrics.windowCompleted(firstWindow());
        metrics.windowCompleted(WindowBuilder.starting(START.plusSeconds(10), Duration.ofSeconds(10))
                .source("10.0.0.9", Transport.TCP, 22, 5, 300, Duration.ofSeconds(1), Duration.ofSeconds(2))
                .source("10.0.0.9", Transport.TCP, 8080)
                .ignored(IgnoreReason.NOT_IP, 1)
                .withoutRoom("192.0.2.1", Transport.TCP, 9999, 1, 60)
                .withoutRoom("192.0.2.2", Transport.TCP, 9999, 1, 60)
                .withoutRoom("192.0.2.3", Transport.TCP, 9999, 1, 60)
                .build());
        String text = text(metrics);
        assertThat(text)
                .contains("active_users{network=\"IPv4\",port=\"22\",transport=\"TCP\"} 1.0")
                .contains("active_users{network=\"IPv6\",port=\"53\",transport=\"UDP\"} 0.0")
                .contains("active_users{network=\"IPv4\",port=\"8080\",transport=\"TCP\"} 1.0")
                .contains("xdp_ipc_packets_total{network=\"IPv4\",port=\"22\",transport=\"TCP\"} 9.0")
                .contains("xdp_ipc_bytes_total{network=\"IPv4\",port=\"22\",transport=\"TCP\"} 540.0")
                .contains("xdp_ipc_packets_total{network=\"IPv6\",port=\"53\",transport=\"UDP\"} 2.0")
                .contains("xdp_ipc_packets_total{network=\"IPv4\",port=\"8080\",transport=\"TCP\"} 1.0")
                .doesNotContain("xdp_ipc_packets_total{network=\"IPv4\",port=\"53\"")
                .contains("xdp_ipc_ignored_packets_total{reason=\"not_ip\"} 8.0")
                .contains("xdp_ipc_ignored_packets_total{reason=\"port_filtered\"} 2.0")
                .contains("xdp_ipc_ignored_packets_total{reason=\"malformed\"} 0.0")
                .contains("xdp_ipc_sources_without_room_total 3.0")
                .contains("xdp_ipc_capacity_exceeded 1.0")
                .contains("xdp_ipc_windows_total 2.0");
    }

    /**
     * A flood on one row: 1,024 sources got a record, 100,000 more found the
     * window full. active_users is the row's estimate (records and sketch),
     * marked as such, within three relative standard errors of 101,024; the
     * next window, with room for everyone, is exact and the mark is gone.
     */
    @Test
    void aFullWindowsRowIsAnEstimateMarkedAsSuchUntilTheNextExactWindow() throws Exception {
        WindowMetrics metrics = new WindowMetrics(INFO);
        WindowBuilder flood = WindowBuilder.starting(START, Duration.ofSeconds(10));
        for (int i = 0; i < 1_024; i++) {
            flood.source(ipv4(0x0a000000 + i), Transport.TCP, 22);
        }
        for (int i = 0; i < 100_000; i++) {
            flood.withoutRoom(ipv4(0xc6120000 + i), Transport.TCP, 22, 1, 60);
        }
        Window full = flood.build();
        metrics.windowCompleted(full);
        String text = text(metrics);
        double activeUsers = Exposition.samples(text).get(Exposition.series("active_users", "IPv4", "TCP", 22));
        assertThat(activeUsers).isEqualTo(full.uniqueSources(Network.IPV4, Transport.TCP, 22))
                .isCloseTo(101_024, withinPercentage(300 * Window.SKETCH_RELATIVE_ERROR));
        assertThat(text)
                .contains("xdp_ipc_active_users_estimated{network=\"IPv4\",port=\"22\",transport=\"TCP\"} 1.0")
                .doesNotContain("xdp_ipc_active_users_estimated{network=\"IPv6\"")
                .doesNotContain("xdp_ipc_active_users_estimated{network=\"IPv4\",port=\"53\"")
                .contains("xdp_ipc_capacity_exceeded 1.0")
                .contains("xdp_ipc_packets_total{network=\"IPv4\",port=\"22\",transport=\"TCP\"} 101024.0")
                .contains("xdp_ipc_sources_tracked{network=\"IPv4\"} 1024.0");
        assertThat(Promtool.checkMetrics(text)).isEmpty();

        metrics.windowCompleted(WindowBuilder.starting(START.plusSeconds(10), Duration.ofSeconds(10))
                .source("10.0.0.1", Transport.TCP, 22)
                .build());
        assertThat(text(metrics))
                .contains("active_users{network=\"IPv4\",port=\"22\",transport=\"TCP\"} 1.0")
                .doesNotContain("active_users_estimated{")
                .contains("xdp_ipc_capacity_exceeded 0.0");
    }

    /**
     * Folded ports: the port="other" row is an estimate when a port folded
     * into it is, and exact when none is; the mark carries the name prefix.
     */
    @Test
    void theOtherRowIsAnEstimateWhenAFoldedRowIs() throws Exception {
        WindowMetrics metrics = new WindowMetrics(INFO, "lan_", new SeriesLimits(1, 5),
                () -> List.of());
        metrics.windowCompleted(WindowBuilder.starting(START, Duration.ofSeconds(10))
                .source("10.0.0.1", Transport.TCP, 8080)
                .source("10.0.0.2", Transport.TCP, 8080)
                .source("10.0.0.3", Transport.TCP, 8080)
                .source("10.0.0.1", Transport.TCP, 8081)
                .withoutRoom("192.0.2.1", Transport.TCP, 8081, 1, 60)
                .source("10.0.0.1", Transport.UDP, 5000)
                .source("10.0.0.1", Transport.UDP, 5001)
                .build());
        String text = text(metrics);
        assertThat(text)
                .contains("lan_active_users{network=\"IPv4\",port=\"other\",transport=\"TCP\"} 2.0")
                .contains("lan_xdp_ipc_active_users_estimated{network=\"IPv4\",port=\"other\",transport=\"TCP\"} 1.0")
                .contains("lan_active_users{network=\"IPv4\",port=\"other\",transport=\"UDP\"} 1.0")
                .doesNotContain("lan_xdp_ipc_active_users_estimated{network=\"IPv4\",port=\"other\",transport=\"UDP\"}")
                .doesNotContain("lan_xdp_ipc_active_users_estimated{network=\"IPv4\",port=\"8080\"")
                .contains("lan_xdp_ipc_active_users_relative_error 0.016155679");
        assertThat(Promtool.checkMetrics(text)).isEmpty();
    }

    private static String ipv4(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }

    @Test
    void aWindowSeenTwiceCountsOnce() throws Exception {
        WindowMetrics metrics = new WindowMetrics(INFO);
        Window window = firstWindow();
        metrics.windowCompleted(window);
        metrics.windowCompleted(window);
        assertThat(text(metrics)).contains("xdp_ipc_windows_total 1.0")
                .contains("xdp_ipc_packets_total{network=\"IPv4\",port=\"22\",transport=\"TCP\"} 4.0");
    }

    @Test
    void promtoolFindsNothingToSay() throws Exception {
        WindowMetrics metrics = new WindowMetrics(INFO);
        metrics.windowCompleted(firstWindow());
        assertThat(Promtool.checkMetrics(text(metrics))).isEmpty();
    }
}
