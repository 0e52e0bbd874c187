package io.github.xdpipcounter.samples.embedding;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.xdpipcounter.testing.Curl;
import io.github.xdpipcounter.testing.Exposition;
import io.github.xdpipcounter.testing.RequiresRoot;
import io.github.xdpipcounter.testing.TwoHosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Each way in of the README (and the whole exporter), run as this application's process in the
 * counter namespace of {@link TwoHosts}, counting real UDP and TCP from the
 * peer's three IPv4 and three IPv6 addresses: once with the installed jars
 * on the class path, once on the module path.
 */
@RequiresRoot
class EmbeddingIT {
    private static final int UDP_PORT = 8053;
    private static final int TCP_PORT = 8080;
    private static final int ROUNDS = 8;
    private static final Path JAR = Path.of(System.getProperty("embedding.jar", "target/embedding.jar"));
    private static final Path LIB = Path.of(System.getProperty("embedding.lib", "target/lib"));
    private static final String MAIN = Main.class.getName();

    enum Launch {
        CLASS_PATH("--enable-native-access=ALL-UNNAMED", "-cp", JAR + ":" + LIB + "/*", MAIN),
        MODULE_PATH("--enable-native-access=io.github.xdpipcounter.core", "-p", JAR + ":" + LIB,
                "-m", "io.github.xdpipcounter.samples.embedding/" + MAIN);

        private final List<String> arguments;

        Launch(String... arguments) {
            this.arguments = List.of(arguments);
        }

        /** How xdp-core's module reads in the process's first line. */
        String libraryModule() {
            return this == MODULE_PATH ? "xdp-core: module io.github.xdpipcounter.core" : "xdp-core: unnamed module";
        }
    }

    static Stream<Arguments> runs() {
        List<Arguments> runs = new ArrayList<>();
        for (Launch launch : Launch.values()) {
            for (String way : List.of("core-listener", "own-registry", "own-http-server", "micrometer", "whole-exporter")) {
                runs.add(Arguments.of(way, launch));
            }
        }
        return runs.stream();
    }

    /** One pair of hosts for every run: each run leaves the interface as it found it, and checks so. */
    private static TwoHosts hosts;

    @BeforeAll
    static void createHosts() {
        hosts = TwoHosts.create();
    }

    @AfterAll
    static void removeHosts() {
        if (hosts != null) {
            hosts.close();
        }
    }

    @ParameterizedTest(name = "{0} on the {1}")
    @MethodSource("runs")
    void countsRealPackets(String way, Launch launch) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", hosts.counter.name(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(launch.arguments);
        command.addAll(List.of(way, hosts.counterInterface, "1"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuffer output = new StringBuffer();
        Thread reader = Thread.ofVirtual().start(() -> copy(process.getInputStream(), output));
        try {
            assertThat(hosts.counter.awaitXdp(hosts.counterInterface, true, Duration.ofSeconds(30)))
                    .as("attached; output so far:\n%s", output).isTrue();
            String last = "nothing yet";
            for (int round = 0; round < ROUNDS && !last.isEmpty(); round++) {
                hosts.sendFromPeer(2, UDP_PORT, TCP_PORT);
                // Looked at until the window of 1 s that holds the traffic has surely completed.
                long until = System.nanoTime() + 1_600_000_000L;
                do {
                    Thread.sleep(200);
                    last = missing(way, hosts, output.toString());
                } while (!last.isEmpty() && System.nanoTime() < until);
            }
            assertThat(last).as("what %s lacked after %d rounds of traffic; its output:\n%s", way, ROUNDS, output)
                    .isEmpty();
        } finally {
            process.getOutputStream().close(); // end of input: the application stops
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                fail("%s did not stop within 20 s of its input closing; output:\n%s", way, output);
            }
            reader.join();
        }
        assertThat(process.exitValue()).as("exit code; output:\n%s", output).isZero();
        assertThat(output.toString()).startsWith(launch.libraryModule()).contains("stopped");
        assertThat(hosts.counter.hasXdp(hosts.counterInterface)).as("detached on close").isFalse();
    }

    /** What the way in does not show yet of one round of traffic; empty when it shows all of it. */
    private static String missing(String way, TwoHosts hosts, String output) {
        List<String> prefix = List.of("ip", "netns", "exec", hosts.counter.name());
        return switch (way) {
            case "core-listener" -> missingLines(output, "IPv4 UDP 8053: 3 sources", "IPv6 UDP 8053: 3 sources",
                    "IPv4 TCP 8080: 3 sources", "IPv6 TCP 8080: 3 sources");
            case "own-registry" -> missingSamples(Curl.get(prefix, URI.create("http://127.0.0.1:" + OwnRegistry.PORT + "/metrics")),
                    Map.of(Exposition.series("active_users", "IPv4", "UDP", UDP_PORT), 3.0,
                            Exposition.series("active_users", "IPv6", "TCP", TCP_PORT), 3.0));
            case "own-http-server" -> {
                Curl.Response list = Curl.get(prefix, URI.create("http://127.0.0.1:" + OwnHttpServer.PORT + "/list?port=" + UDP_PORT));
                List<String> absent = Stream.concat(TwoHosts.PEER_V4.stream(), TwoHosts.PEER_V6.stream())
                        .filter(address -> !list.body().contains("\"ip\":\"" + address + "\"")).toList();
                yield list.status() != 200 || !absent.isEmpty() ? "/list answered " + list.status() + " without " + absent : "";
            }
            case "micrometer" -> {
                String tags = "{counter=\"" + hosts.counterInterface + "\",network=\"IPv4\",port=\"" + UDP_PORT
                        + "\",transport=\"UDP\"}";
                yield missingSamples(Curl.get(prefix, URI.create("http://127.0.0.1:" + MicrometerBinding.PORT + "/metrics")),
                        Map.of("active_users" + tags, 3.0));
            }
            case "whole-exporter" -> missingSamples(Curl.get(prefix, URI.create("http://127.0.0.1:" + WholeExporter.PORT + "/metrics")),
                    Map.of(Exposition.series("active_users", "IPv6", "UDP", UDP_PORT), 3.0));
            default -> throw new IllegalArgumentException(way);
        };
    }

    private static String missingLines(String output, String... lines) {
        List<String> absent = Stream.of(lines).filter(line -> !output.contains(line + "\n")).toList();
        return absent.isEmpty() ? "" : "lines " + absent;
    }

    private static String missingSamples(Curl.Response scrape, Map<String, Double> expected) {
        if (scrape.status() != 200) {
            return "a scrape answered " + scrape.status() + " " + scrape.error();
        }
        Map<String, Double> samples = Exposition.samples(scrape.body());
        List<String> absent = expected.entrySet().stream()
                .filter(e -> !e.getValue().equals(samples.get(e.getKey()))).map(Map.Entry::getKey).toList();
        return absent.isEmpty() ? "" : "samples " + absent;
    }

    private static void copy(InputStream in, StringBuffer output) {
        byte[] buffer = new byte[4096];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            output.append("\n(reading the output failed: ").append(e).append(")\n");
        }
    }
}
