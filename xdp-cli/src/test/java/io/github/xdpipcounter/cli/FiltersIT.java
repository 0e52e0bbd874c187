package io.github.xdpipcounter.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.testing.Exposition;
import io.github.xdpipcounter.testing.NetworkNamespace;
import io.github.xdpipcounter.testing.RequiresRoot;
import io.github.xdpipcounter.testing.TwoHosts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filters of the built jar with real traffic between namespaces:
 * {@code --destinations local} on a router that forwards, ICMP echo requests
 * from three sources, {@code --tcp syn} against a connection that lasts
 * several windows, and {@code --ports listening} following a server that
 * starts and stops. Windows of 1 s; every sender is bounded in count and
 * time, and nothing leaves the namespaces.
 */
@RequiresRoot
class FiltersIT {
    private static final Duration LIMIT = Duration.ofSeconds(15);
    private static final int PORT = 5000;
    private static final int DATAGRAMS = 5;

    /** UDP datagrams from {@code argv[1]} to each {@code host:port} after it. */
    private static final String SEND_UDP = """
            import socket, sys
            for target in sys.argv[3:]:
                host, port = target.rsplit(':', 1)
                family = socket.AF_INET6 if ':' in host else socket.AF_INET
                s = socket.socket(family, socket.SOCK_DGRAM)
                s.bind((sys.argv[1], 0))
                for i in range(int(sys.argv[2])):
                    s.sendto(b'xdp-ip-counter test', (host, int(port)))
                s.close()
            """;

    @Test
    void aRouterCountsOnlyWhatIsForItselfAndFollowsItsAddresses() throws Exception {
        String clientV4 = "10.210.1.2";
        String routerV4 = "10.210.1.1";
        String serverV4 = "10.210.2.2";
        String addedV4 = "10.210.3.1";
        String ingress = NetworkNamespace.interfaceName("rin");
        String egress = NetworkNamespace.interfaceName("rout");
        try (NetworkNamespace client = NetworkNamespace.create("cli");
             NetworkNamespace router = NetworkNamespace.create("rtr");
             NetworkNamespace server = NetworkNamespace.create("srv")) {
            String clientEnd = NetworkNamespace.interfaceName("cl");
            String serverEnd = NetworkNamespace.interfaceName("sv");
            NetworkNamespace.veth(client, clientEnd, router, ingress);
            NetworkNamespace.veth(router, egress, server, serverEnd);
            client.ip("addr", "add", clientV4 + "/24", "dev", clientEnd);
            router.ip("addr", "add", routerV4 + "/24", "dev", ingress);
            router.ip("addr", "add", "10.210.2.1/24", "dev", egress);
            server.ip("addr", "add", serverV4 + "/24", "dev", serverEnd);
            // Routes between the three only; forwarding on inside the router's namespace only.
            client.ip("route", "add", "10.210.0.0/16", "via", routerV4);
            server.ip("route", "add", "10.210.1.0/24", "via", "10.210.2.1");
            router.exec(LIMIT, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            try (ToolProcess tool = ToolProcess.start(router.name(), List.of(), "--iface", ingress,
                    "--destinations", "local", "--window", "1s")) {
                assertThat(tool.awaitStartup()).contains("(destinations local)");
                client.exec(LIMIT, "python3", "-c", SEND_UDP, clientV4, String.valueOf(DATAGRAMS),
                        routerV4 + ":" + PORT, serverV4 + ":" + (PORT + 1));
                Map<String, Double> metrics = awaitMetrics(router, m -> packets(m, PORT) >= DATAGRAMS);
                assertThat(packets(metrics, PORT)).as("to the router itself").isEqualTo(DATAGRAMS);
                assertThat(metrics).as("forwarded to the server").doesNotContainKey(
                        Exposition.series("xdp_ipc_packets_total", "IPv4", "UDP", PORT + 1));
                assertThat(metrics.get("xdp_ipc_ignored_packets_total{reason=\"not_for_this_host\"}"))
                        .isGreaterThanOrEqualTo(DATAGRAMS);
                assertThat(metrics.keySet()).filteredOn(key -> key.startsWith("xdp_ipc_info{")).singleElement()
                        .asString().contains("destinations=\"local\"");

                // An address added to the router while it runs, on its other interface: counted within a window.
                router.ip("addr", "add", addedV4 + "/32", "dev", egress);
                long added = System.nanoTime();
                client.exec(LIMIT, "python3", "-c", SEND_UDP, clientV4, String.valueOf(DATAGRAMS),
                        addedV4 + ":" + (PORT + 2));
                awaitMetrics(router, m -> packets(m, PORT + 2) >= DATAGRAMS);
                assertThat(Duration.ofNanos(System.nanoTime() - added)).isLessThan(Duration.ofSeconds(3));
            }
        }
    }

    @Test
    void echoRequestsFromThreeSourcesAreThreeSourcesUnderTheirType() throws Exception {
        // ping and ping -6 from each of the peer's addresses at once: 25 echo requests each, 0.2 s apart.
        String pings = """
                for src in "$@"; do
                  case "$src" in
                    *:*) ping -6 -n -q -c 25 -i 0.2 -I "$src" "$DST6" >/dev/null & ;;
                    *) ping -4 -n -q -c 25 -i 0.2 -I "$src" "$DST4" >/dev/null & ;;
                  esac
                done
                wait
                """;
        try (TwoHosts hosts = TwoHosts.create();
             ToolProcess tool = ToolProcess.start(hosts.counter.name(), List.of(), "--iface", hosts.counterInterface,
                     "--transports", "icmp,icmpv6", "--window", "1s")) {
            tool.awaitStartup();
            List<String> command = new ArrayList<>(List.of("env", "DST4=" + TwoHosts.COUNTER_V4, "DST6=" + TwoHosts.COUNTER_V6,
                    "sh", "-c", pings, "ping"));
            command.addAll(TwoHosts.PEER_V4);
            command.addAll(TwoHosts.PEER_V6);
            // Five seconds of echo requests: at least three whole windows hold every source.
            Process sender = background(hosts.peer, command);
            try {
                String echo = Exposition.series("active_users", "IPv4", "ICMP", 8);
                String echo6 = Exposition.series("active_users", "IPv6", "ICMPv6", 128);
                Map<String, Double> metrics = awaitMetrics(hosts.counter,
                        m -> m.getOrDefault(echo, 0.0) == 3 && m.getOrDefault(echo6, 0.0) == 3);
                assertThat(metrics).containsEntry(echo, 3.0).containsEntry(echo6, 3.0);
                assertThat(metrics.keySet()).as("no TCP or UDP is tracked")
                        .noneMatch(key -> key.contains("transport=\"TCP\"") || key.contains("transport=\"UDP\""));
            } finally {
                sender.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void withTcpSynAConnectionThatKeepsSendingCountsInItsFirstWindowOnly() throws Exception {
        String server = """
                import socket, time
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(('0.0.0.0', %d)); s.listen(1); s.settimeout(10)
                c, _ = s.accept(); c.settimeout(10)
                end = time.time() + 10
                while time.time() < end and c.recv(1024):
                    pass
                """.formatted(PORT);
        String client = """
                import socket, sys, time
                c = socket.create_connection((sys.argv[1], %d), timeout=5)
                for i in range(40):
                    c.send(b'x' * 100); time.sleep(0.1)
                c.close()
                """.formatted(PORT);
        try (TwoHosts hosts = TwoHosts.create();
             ToolProcess tool = ToolProcess.start(hosts.counter.name(), List.of(), "--iface", hosts.counterInterface,
                     "--tcp", "syn", "--ports", String.valueOf(PORT), "--window", "1s")) {
            assertThat(tool.awaitStartup()).contains("(tcp syn)");
            Process listener = background(hosts.counter, List.of("python3", "-c", server));
            try {
                awaitListening(hosts.counter, "-t");
                double before = windows(hosts.counter);
                // Four seconds of data on one connection: more than three windows.
                hosts.peer.exec(LIMIT, "python3", "-c", client, TwoHosts.COUNTER_V4);
                Map<String, Double> metrics = awaitMetrics(hosts.counter, m -> m.get("xdp_ipc_windows_total") >= before + 4);
                String packets = Exposition.series("xdp_ipc_packets_total", "IPv4", "TCP", PORT);
                assertThat(metrics).as("the SYN only").containsEntry(packets, 1.0)
                        .containsEntry(Exposition.series("active_users", "IPv4", "TCP", PORT), 0.0);
                assertThat(metrics.get("xdp_ipc_ignored_packets_total{reason=\"not_connection_attempt\"}"))
                        .as("the data segments of the later windows").isGreaterThanOrEqualTo(20);
            } finally {
                listener.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void listeningPortsFollowAServerThatStartsAndStops() throws Exception {
        String server = """
                import socket, time
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', %d))
                time.sleep(15)
                """.formatted(PORT);
        try (TwoHosts hosts = TwoHosts.create();
             ToolProcess tool = ToolProcess.start(hosts.counter.name(), List.of(), "--iface", hosts.counterInterface,
                     "--ports", "listening", "--window", "1s")) {
            assertThat(tool.awaitStartup()).contains("ports listening");
            String peer = TwoHosts.PEER_V4.getFirst();
            String target = TwoHosts.COUNTER_V4 + ":" + PORT;
            awaitMetrics(hosts.counter, m -> m.get("xdp_ipc_windows_total") >= 1);
            hosts.peer.exec(LIMIT, "python3", "-c", SEND_UDP, peer, String.valueOf(DATAGRAMS), target);
            awaitMetrics(hosts.counter, m -> m.getOrDefault("xdp_ipc_ignored_packets_total{reason=\"port_filtered\"}", 0.0)
                    >= DATAGRAMS);

            Process listener = background(hosts.counter, List.of("python3", "-c", server));
            try {
                awaitListening(hosts.counter, "-u");
                // Read at the next window boundary: counted from the window after it.
                double started = windows(hosts.counter);
                awaitMetrics(hosts.counter, m -> m.get("xdp_ipc_windows_total") >= started + 1);
                hosts.peer.exec(LIMIT, "python3", "-c", SEND_UDP, peer, String.valueOf(DATAGRAMS), target);
                Map<String, Double> metrics = awaitMetrics(hosts.counter,
                        m -> m.getOrDefault(Exposition.series("xdp_ipc_packets_total", "IPv4", "UDP", PORT), 0.0) >= DATAGRAMS);
                assertThat(metrics).containsEntry(Exposition.series("xdp_ipc_packets_total", "IPv4", "UDP", PORT),
                        (double) DATAGRAMS);
            } finally {
                listener.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            double stopped = windows(hosts.counter);
            Map<String, Double> gone = awaitMetrics(hosts.counter, m -> m.get("xdp_ipc_windows_total") >= stopped + 1);
            double filtered = gone.get("xdp_ipc_ignored_packets_total{reason=\"port_filtered\"}");
            hosts.peer.exec(LIMIT, "python3", "-c", SEND_UDP, peer, String.valueOf(DATAGRAMS), target);
            Map<String, Double> after = awaitMetrics(hosts.counter,
                    m -> m.get("xdp_ipc_ignored_packets_total{reason=\"port_filtered\"}") >= filtered + DATAGRAMS);
            assertThat(after).as("no longer counted").containsEntry(
                    Exposition.series("xdp_ipc_packets_total", "IPv4", "UDP", PORT), (double) DATAGRAMS);
        }
    }

    private static double packets(Map<String, Double> metrics, int port) {
        return metrics.getOrDefault(Exposition.series("xdp_ipc_packets_total", "IPv4", "UDP", port), 0.0);
    }

    private static double windows(NetworkNamespace ns) throws Exception {
        return Exposition.samples(Http.get(ns, Scrapes.METRICS).body()).getOrDefault("xdp_ipc_windows_total", 0.0);
    }

    /** Scrapes every 50 ms until {@code condition} holds, for at most 10 s; that scrape. */
    private static Map<String, Double> awaitMetrics(NetworkNamespace ns, Predicate<Map<String, Double>> condition)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Map<String, Double> metrics = Map.of();
        while (System.nanoTime() < deadline) {
            metrics = Exposition.samples(Http.get(ns, Scrapes.METRICS).body());
            if (metrics.containsKey("xdp_ipc_windows_total") && condition.test(metrics)) {
                return metrics;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the metrics did not get there within 10 s; last scrape: " + metrics);
    }

    /** Waits until a TCP ({@code -t}) or UDP ({@code -u}) socket is on {@link #PORT} in the namespace. */
    private static void awaitListening(NetworkNamespace ns, String transport) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (ns.exec(LIMIT, "ss", "-H", "-l", "-n", transport, "sport", "= :" + PORT).contains(":" + PORT)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing listens on " + PORT + " after 5 s");
    }

    /** A command in the namespace, running on its own (its output discarded); the caller ends it. */
    private static Process background(NetworkNamespace ns, List<String> command) throws Exception {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
        full.addAll(command);
        return new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
