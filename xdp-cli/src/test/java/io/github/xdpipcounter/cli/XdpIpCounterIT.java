package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.xdpipcounter.testing.RequiresRoot;
import io.github.xdpipcounter.testing.TwoHosts;
import io.github.xdpipcounter.testing.Exposition;
import io.github.xdpipcounter.testing.Promtool;

import static io.github.xdpipcounter.cli.PeerTraffic.DATAGRAMS;
import static io.github.xdpipcounter.cli.PeerTraffic.TCP_PORT;
import static io.github.xdpipcounter.cli.PeerTraffic.UDP_PORT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar, end to end: run as a process in the counter namespace of a
 * veth pair, real TCP and UDP over IPv4 and IPv6 from the peer namespace,
 * read back over HTTP and through a real Prometheus server; signals and
 * start-up failures. Nothing is ever attached outside these namespaces.
 */
@RequiresRoot
class XdpIpCounterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int IDLE_PORT = 4444;

    @Test
    void countsRealTrafficServesMetricsAndListAndPrometheusScrapesIt(@TempDir Path dir) throws Exception {
        try (TwoHosts hosts = TwoHosts.create();
             PrometheusServer prometheus = PrometheusServer.start(hosts.counter, dir, "127.0.0.1:3031");
             ToolProcess tool = ToolProcess.start(hosts.counter.name(), List.of(), "--iface", hosts.counterInterface,
                     "--ports", UDP_PORT + "," + TCP_PORT + "," + IDLE_PORT, "--window", "3s", "--serve-ip-list")) {
            String startup = tool.awaitStartup();
            assertThat(startup).isEqualTo("xdp-ip-counter: counting sources to ports " + TCP_PORT + "," + IDLE_PORT + ","
                    + UDP_PORT + " on " + hosts.counterInterface + " (XDP skb mode), windows of 3s; serving "
                    + "http://0.0.0.0:3031/metrics and http://0.0.0.0:3031/list");
            // The line says it serves: a scrape the moment it appears gets an answer, not "not counting yet".
            assertThat(Http.get(hosts.counter, "http://127.0.0.1:3031/metrics").status()).isEqualTo(200);
            // Outside the systemd journal, log lines start with the time (RFC 3339, UTC, milliseconds).
            assertThat(tool.rawOutput()).filteredOn(line -> line.contains("counting sources")).singleElement()
                    .matches(line -> ToolProcess.STAMP.matcher(line).find(), "starts with the time");
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isTrue();

            // Send right after a window completes, so that all of it lands in the next one.
            Scrapes.awaitWindows(hosts.counter, 1);
            PeerTraffic.send(hosts);
            Http.Response metricsResponse = Scrapes.awaitWindows(hosts.counter, 2);

            Map<String, Double> metrics = Exposition.samples(metricsResponse.body());
            Scrapes.assertCountedPeerTraffic(metrics, UDP_PORT, TCP_PORT, DATAGRAMS);
            for (String network : List.of("IPv4", "IPv6")) {
                for (String transport : List.of("TCP", "UDP", "UDP-Lite", "SCTP")) {
                    assertThat(metrics).containsEntry(Exposition.series("active_users", network, transport, IDLE_PORT), 0.0);
                }
            }
            assertThat(metrics).containsEntry("xdp_ipc_sources_capacity{network=\"IPv4\"}", 65536.0)
                    .containsEntry("xdp_ipc_window_seconds", 3.0)
                    .containsEntry("xdp_ipc_windows_total", 2.0)
                    .containsKey("xdp_ipc_last_window_end_timestamp_seconds")
                    .containsKey("xdp_ipc_ignored_packets_total{reason=\"not_ip\"}");
            assertThat(metricsResponse.body()).contains("# TYPE active_users gauge")
                    .contains("xdp_ipc_info{destinations=\"any\",interface=\"" + hosts.counterInterface + "\",libbpf_version=\"");
            assertThat(Promtool.checkMetrics(metricsResponse.body())).isEmpty();

            Http.Response list = Http.get(hosts.counter, "http://127.0.0.1:3031/list");
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.header("Content-Type")).isEqualTo("application/json");
            Instant start = Instant.parse(list.header("X-Window-Start"));
            Instant end = Instant.parse(list.header("X-Window-End"));
            assertThat(Duration.between(start, end)).isBetween(Duration.ofMillis(2500), Duration.ofMillis(3500));
            List<String> records = new ArrayList<>();
            for (JsonNode source : JSON.readTree(list.body())) {
                records.add(source.get("ip").asText() + " " + source.get("network").asText() + " "
                        + source.get("transport").asText() + " " + source.get("port").asInt() + " " + source.get("packets").asLong());
                Instant first = Instant.parse(source.get("first_seen").asText());
                Instant last = Instant.parse(source.get("last_seen").asText());
                assertThat(first).isBetween(start, end);
                assertThat(last).isBetween(first, end);
                assertThat(source.get("bytes").asLong()).isPositive();
            }
            List<String> expected = new ArrayList<>();
            for (String ip : TwoHosts.PEER_V4) {
                expected.add(ip + " IPv4 UDP " + UDP_PORT + " " + DATAGRAMS);
                expected.add(ip + " IPv4 TCP " + TCP_PORT + " 1");
            }
            for (String ip : TwoHosts.PEER_V6) {
                expected.add(ip + " IPv6 UDP " + UDP_PORT + " " + DATAGRAMS);
                expected.add(ip + " IPv6 TCP " + TCP_PORT + " 1");
            }
            assertThat(records).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(JSON.readTree(Http.get(hosts.counter, "http://127.0.0.1:3031/list?network=IPv6&transport=tcp").body()))
                    .hasSize(3);
            Http.Response bad = Http.get(hosts.counter, "http://127.0.0.1:3031/list?port=99999");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).isEqualTo("{\"error\":\"bad port '99999': expected a port, 0-65535\"}");

            // Prometheus itself scraped the exporter and stores what it served.
            assertThat(prometheus.awaitQuery("up{job=\"xdp-ip-counter\"}", List.of(1.0), Duration.ofSeconds(20)))
                    .containsExactly(1.0);
            for (String network : List.of("IPv4", "IPv6")) {
                String query = "max_over_time(active_users{network=\"%s\",transport=\"UDP\",port=\"%d\"}[5m])"
                        .formatted(network, UDP_PORT);
                assertThat(prometheus.awaitQuery(query, List.of(3.0), Duration.ofSeconds(20))).as(query).containsExactly(3.0);
            }
            assertThat(prometheus.awaitQuery("max_over_time(active_users{port=\"" + IDLE_PORT + "\"}[5m])",
                    List.of(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), Duration.ofSeconds(20))).hasSize(8);

            // Every expression of the dashboard and of the alert rules, on that server: none is refused, and
            // each of the dashboard's returns data, so none names a metric or label the tool does not serve.
            for (String expression : MonitoringRulesTest.dashboardExpressions()) {
                String promql = expression.replace("$instance", ".*").replace("$__rate_interval", "1m");
                assertThat(prometheus.awaitAny(promql, Duration.ofSeconds(10))).as(promql).isNotEmpty();
            }
            for (String expression : MonitoringRulesTest.ruleExpressions()) {
                assertThat(prometheus.query(expression)).as(expression).isNotNull();
            }

            // SIGTERM: detach, stop serving, exit 0, within 2 s.
            long before = System.nanoTime();
            tool.terminate();
            int code = tool.awaitExit(Duration.ofSeconds(10));
            Duration took = Duration.ofNanos(System.nanoTime() - before);
            assertThat(code).as("exit code after SIGTERM").isZero();
            assertThat(took).as("time to exit after SIGTERM").isLessThan(Duration.ofSeconds(2));
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).as("attached after SIGTERM").isFalse();
            assertThat(tool.output()).as("output %s", tool.output()).last().isEqualTo("xdp-ip-counter: detached and stopped");
            assertThat(tool.output()).noneMatch(line -> line.contains("WARNING") || line.contains("Exception"));
        }
    }

    /**
     * The port is bound before the program is attached (a port in use is found
     * first) and answers 503 until then. A SIGTERM as soon as it answers, in
     * that gap or just after it, still exits 0 with nothing attached: the
     * signal handling is in place before the port answers at all.
     */
    @Test
    void sigtermAsSoonAsThePortAnswersExitsZero() throws Exception {
        try (TwoHosts hosts = TwoHosts.create();
             ToolProcess tool = ToolProcess.start(hosts.counter.name(), List.of(), "-i", hosts.counterInterface)) {
            int first = 0;
            long deadline = System.nanoTime() + ToolProcess.START_LIMIT.toNanos();
            while (first == 0 && System.nanoTime() < deadline) {
                try {
                    first = Http.get(hosts.counter, "http://127.0.0.1:3031/metrics").status();
                } catch (IOException notYet) {
                    Thread.sleep(5);
                }
            }
            tool.terminate();
            assertThat(first).as("the first answer of /metrics").isIn(200, 503);
            assertThat(tool.awaitExit(Duration.ofSeconds(10))).isZero();
            assertThat(hosts.counter.awaitXdp(hosts.counterInterface, false, Duration.ofSeconds(2))).isFalse();
        }
    }

    @Test
    void sigintDetachesAndExitsZero() throws Exception {
        try (TwoHosts hosts = TwoHosts.create();
             // Python resets SIGINT to its default first: a shell may have started us with it ignored.
             ToolProcess tool = ToolProcess.start(hosts.counter.name(), List.of("python3", "-c",
                     "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"),
                     "-i", hosts.counterInterface)) {
            tool.awaitStartup();
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isTrue();
            // Without --serve-ip-list, /list names the flag that turns it on.
            Http.Response list = Http.get(hosts.counter, "http://127.0.0.1:3031/list");
            assertThat(list.status()).isEqualTo(404);
            assertThat(list.body()).isEqualTo("{\"error\":\"/list is not served: start xdp-ip-counter with --serve-ip-list\"}");
            long before = System.nanoTime();
            tool.signal("INT");
            assertThat(tool.awaitExit(Duration.ofSeconds(10))).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isFalse();
            assertThat(tool.output()).hasSize(2).last().isEqualTo("xdp-ip-counter: detached and stopped");
            // Run as full root, as this test does, it says first that it holds more than it needs.
            assertThat(tool.allOutput().getFirst()).matches(ToolProcess::isExcessPrivilegeWarning);
        }
    }

    @Test
    void sigkillLeavesNothingAttached() throws Exception {
        try (TwoHosts hosts = TwoHosts.create();
             ToolProcess tool = ToolProcess.start(hosts.counter.name(), List.of(), "-i", hosts.counterInterface)) {
            tool.awaitStartup();
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isTrue();
            // A second instance on the same interface says who is in the way, and leaves the first alone.
            try (ToolProcess second = ToolProcess.start(hosts.counter.name(), List.of(), "-i", hosts.counterInterface, "-s", "3032")) {
                assertThat(second.awaitExit(ToolProcess.START_LIMIT)).isEqualTo(1);
                assertThat(second.output()).hasSize(1);
                assertThat(second.output().getFirst()).endsWith("another XDP program is attached to " + hosts.counterInterface
                        + " (see: ip -d link show " + hosts.counterInterface + ")");
            }
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isTrue();
            tool.kill();
            assertThat(tool.awaitExit(Duration.ofSeconds(10))).isEqualTo(137);
            assertThat(hosts.counter.awaitXdp(hosts.counterInterface, false, Duration.ofSeconds(5)))
                    .as("attached after SIGKILL").isFalse();
        }
    }

    /**
     * Starting fails for a reason outside the tool: it says so in one line,
     * exits 1 (2 for bad command-line input), and leaves nothing attached.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("startFailures")
    @SuppressWarnings("try") // the obstacle only has to be in place while the tool starts
    void aStartFailureIsOneLineAndLeavesNothingAttached(StartFailure failure, @TempDir Path dir) throws Exception {
        try (TwoHosts hosts = TwoHosts.create();
             AutoCloseable obstacle = failure.obstacle().in(hosts, dir);
             ToolProcess tool = failure.launch().in(hosts, dir)) {
            assertThat(tool.awaitExit(ToolProcess.START_LIMIT)).as("exit code").isEqualTo(failure.exitCode());
            assertThat(tool.output()).as("output").hasSize(1);
            failure.line().check(tool.output().getFirst(), hosts.counterInterface);
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).as("attached").isFalse();
        }
    }

    static List<StartFailure> startFailures() {
        Step<AutoCloseable> none = (hosts, dir) -> () -> { };
        return List.of(
                new StartFailure("a server port in use",
                        (hosts, dir) -> hosts.counter.inside(() -> new ServerSocket(3031)),
                        (hosts, dir) -> ToolProcess.start(hosts.counter.name(), List.of(), "-i", hosts.counterInterface),
                        1, (line, iface) -> assertThat(line).isEqualTo("xdp-ip-counter: error: cannot listen on 0.0.0.0 "
                        + "port 3031: the port is already in use (choose another with --server-port)")),
                new StartFailure("an unknown interface", none,
                        (hosts, dir) -> ToolProcess.start(hosts.counter.name(), List.of(), "-i", hosts.counterInterface + ",nosuch0"),
                        2, (line, iface) -> assertThat(line).isEqualTo("xdp-ip-counter: invalid value for option '--iface': "
                        + "no network interface named 'nosuch0': see 'ip link' for the names here (see --help)")),
                new StartFailure("no privileges", none,
                        (hosts, dir) -> ToolProcess.start(hosts.counter.name(), List.of("setpriv", "--reuid=65534",
                                "--regid=65534", "--clear-groups", "--inh-caps=-all"), readableJar(dir), "-i", hosts.counterInterface),
                        1, (line, iface) -> assertThat(line).startsWith("xdp-ip-counter: error: ")
                        .contains("EPERM").contains("needs root, or CAP_BPF + CAP_NET_ADMIN + CAP_PERFMON")),
                new StartFailure("a bind address not of this host", none,
                        (hosts, dir) -> ToolProcess.start(hosts.counter.name(), List.of(), "-i", hosts.counterInterface,
                                "--bind", "192.0.2.77"),
                        1, (line, iface) -> assertThat(line).isEqualTo("xdp-ip-counter: error: cannot listen on 192.0.2.77 "
                        + "port 3031: the address is not one of this host's (check --bind)")),
                // veth has native (driver) XDP but no offload.
                new StartFailure("a mode the driver lacks", none,
                        (hosts, dir) -> ToolProcess.start(hosts.counter.name(), List.of(), "-i", hosts.counterInterface,
                                "--mode", "hw"),
                        1, (line, iface) -> assertThat(line).startsWith("xdp-ip-counter: error: attach XDP program "
                        + "xdp_ip_counter to " + iface + " in hw mode failed: ")
                        .endsWith("the driver of " + iface + " may not support hw mode (skb mode works everywhere)")),
                // libbpf hidden in a private mount namespace: /dev/null mounted over it, for this process only.
                new StartFailure("no libbpf", none,
                        (hosts, dir) -> ToolProcess.start(hosts.counter.name(), List.of("unshare", "--mount", "--propagation",
                                "private", "sh", "-c", "mount --bind /dev/null " + systemLibbpf() + " && exec \"$0\" \"$@\""),
                                "-i", hosts.counterInterface),
                        1, (line, iface) -> assertThat(line).isEqualTo("xdp-ip-counter: error: libbpf.so.1 was not found: "
                        + "install libbpf 1.0 or newer (Debian/Ubuntu: apt-get install libbpf1; Fedora/RHEL: dnf install libbpf)")));
    }

    /**
     * @param obstacle what stands in the way while the tool starts
     * @param launch   the tool, started
     * @param line     checks the one line it says, given the counter's interface
     */
    record StartFailure(String what, Step<AutoCloseable> obstacle, Step<ToolProcess> launch, int exitCode, LineCheck line) {
        @Override
        public String toString() {
            return what;
        }
    }

    /** Something done in the test's hosts, with a temporary directory of the test's. */
    interface Step<T> {
        T in(TwoHosts hosts, Path dir) throws Exception;
    }

    interface LineCheck {
        void check(String line, String counterInterface);
    }

    /** The jar copied where user nobody can read it, out of the build tree. */
    private static Path readableJar(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.copy(ToolProcess.JAR, dir.resolve("xdp-ip-counter.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        return jar;
    }

    /** Where the dynamic linker finds libbpf.so.1, from its cache. */
    private static Path systemLibbpf() throws Exception {
        Process p = new ProcessBuilder("/sbin/ldconfig", "-p").start();
        String cache = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return cache.lines().filter(l -> l.trim().startsWith("libbpf.so.1 ")).map(l -> l.substring(l.indexOf("=> ") + 3).trim())
                .map(Path::of).findFirst().orElseThrow(() -> new AssertionError("libbpf.so.1 is not in ldconfig's cache"))
                .toRealPath();
    }
}
