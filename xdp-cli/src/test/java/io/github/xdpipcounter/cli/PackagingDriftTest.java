package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import io.github.xdpipcounter.testing.Commands;
import io.github.xdpipcounter.exporter.Exporter;
import io.github.xdpipcounter.exporter.ExporterConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The systemd unit, its /etc/default file, the container build file, the
 * DaemonSet and the PodMonitor cannot be run here (no systemd as init, no
 * registry, no cluster), so this checks that every flag, port, path and
 * capability they name exists in the tool. Flags are parsed by the command
 * itself (its picocli model and converters), so a new flag needs nothing
 * here, and a renamed or removed one fails.
 */
class PackagingDriftTest {
    private static final Path PACKAGING = Path.of("..", "packaging");
    private static final Path UNIT = PACKAGING.resolve("systemd/xdp-ip-counter.service");
    private static final Path DEFAULTS = PACKAGING.resolve("default/xdp-ip-counter");
    private static final Path CONTAINERFILE = PACKAGING.resolve("container/Containerfile");
    private static final Path DAEMONSET = PACKAGING.resolve("kubernetes/daemonset.yaml");
    private static final Path PODMONITOR = PACKAGING.resolve("kubernetes/podmonitor.yaml");
    private static final Path LAUNCHER = PACKAGING.resolve("xdp-ip-counter");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final long MIB = 1 << 20;
    /**
     * What a memory limit must hold besides the heap: the JVM itself (metaspace, code
     * cache, threads, GC) and the BPF maps, which the kernel charges to the cgroup:
     * preallocated generations of 104 (IPv4) and 120 (IPv6) bytes a record, two of
     * each network and a third for a moment while an ended one is replaced, and the
     * overflow sketches (2,048 rows of 4 KiB for both generations) with the recorded-keys
     * filters, whatever the number of sources.
     */
    private static final long JVM_OUTSIDE_HEAP = 192 * MIB;
    private static final long KERNEL_BYTES_PER_SOURCE = 3 * (104 + 120);
    private static final long KERNEL_SKETCHES = 9 * MIB;

    @Test
    void theUnitRunsTheCommandWithTheDefaultFilesFlagsAndExactlyTheNeededCapabilities() throws IOException {
        Map<String, String> unit = UnitFile.settings(Files.readString(UNIT));
        assertThat(unit.get("ExecStart")).isEqualTo("/usr/bin/xdp-ip-counter $ARGS");
        assertThat(unit.get("EnvironmentFile")).isEqualTo("/etc/default/xdp-ip-counter");
        List<String> args = words(UnitFile.environment(Files.readString(DEFAULTS)).get("ARGS"));
        CommandSpec flags = parsed(args);

        List<String> needed = Privileges.names(Privileges.NEEDED);
        assertThat(words(unit.get("AmbientCapabilities"))).containsExactlyInAnyOrderElementsOf(needed);
        assertThat(words(unit.get("CapabilityBoundingSet"))).containsExactlyInAnyOrderElementsOf(needed);
        assertThat(unit.get("NoNewPrivileges")).isEqualTo("yes");
        // The user the package's postinst creates, and the one the launcher prefers.
        assertThat(unit.get("User")).isEqualTo("xdp-ip-counter");
        assertThat(unit.get("Group")).isEqualTo("xdp-ip-counter");
        assertThat(Files.readString(PACKAGING.resolve("debian/postinst"))).contains("--user-group")
                .containsPattern("useradd [^\\n]*(\\\\\\n[^\\n]*)* xdp-ip-counter\\n");
        assertThat(Files.readString(LAUNCHER)).contains("user=xdp-ip-counter");

        assertThat(bytes(unit.get("MemoryMax"))).as("MemoryMax").isGreaterThanOrEqualTo(memoryNeeded(args, flags));
    }

    @Test
    void theContainerRunsTheCommandTheUnitRunsWithFlagsOfTheTool() throws IOException {
        List<String> lastStage = lastStage(Files.readString(CONTAINERFILE));
        List<String> entrypoint = jsonArray(instruction(lastStage, "ENTRYPOINT"));
        String execStart = UnitFile.settings(Files.readString(UNIT)).get("ExecStart");
        assertThat(entrypoint).as("ENTRYPOINT: the command the package installs").containsExactly(words(execStart).getFirst());
        CommandSpec flags = parsed(jsonArray(instruction(lastStage, "CMD")));
        assertThat(Integer.parseInt(instruction(lastStage, "EXPOSE"))).isEqualTo(serverPort(flags));
        // The .deb's own dependencies are installed with it.
        assertThat(String.join("\n", lastStage)).contains("apt-get install").contains("xdp-ip-counter_*.deb");
    }

    @Test
    void theDaemonSetNamesOnlyFlagsPortsPathsAndCapabilitiesOfTheTool() throws Exception {
        JsonNode pod = YAML.readTree(DAEMONSET.toFile()).path("spec").path("template");
        assertThat(pod.path("spec").path("hostNetwork").asBoolean()).as("hostNetwork").isTrue();
        JsonNode containers = pod.path("spec").path("containers");
        assertThat(containers).hasSize(1);
        JsonNode container = containers.get(0);
        assertThat(container.has("command")).as("command: the image's ENTRYPOINT runs").isFalse();
        List<String> args = strings(container.path("args"));
        CommandSpec flags = parsed(args);
        int port = serverPort(flags);

        JsonNode ports = container.path("ports");
        assertThat(ports).hasSize(1);
        assertThat(ports.get(0).path("containerPort").asInt()).isEqualTo(port);
        String portName = ports.get(0).path("name").asText();
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("port").asText()).as(probe + " port").isIn(portName, Integer.toString(port));
            assertServed(get.path("path").asText());
        }
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/-/healthy");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/-/ready");
        JsonNode annotations = pod.path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(Integer.toString(port));
        assertServed(annotations.path("prometheus.io/path").asText());

        JsonNode security = container.path("securityContext");
        assertThat(security.path("privileged").asBoolean(false)).as("privileged").isFalse();
        assertThat(strings(security.path("capabilities").path("drop"))).containsExactly("ALL");
        List<String> needed = Privileges.names(Privileges.NEEDED).stream().map(name -> name.substring("CAP_".length())).toList();
        assertThat(strings(security.path("capabilities").path("add"))).containsExactlyInAnyOrderElementsOf(needed);

        assertThat(bytes(container.path("resources").path("limits").path("memory").asText())).as("memory limit")
                .isGreaterThanOrEqualTo(memoryNeeded(args, flags));
    }

    @Test
    void thePodMonitorScrapesTheDaemonSetsPodsOnTheirMetricsPort() throws Exception {
        JsonNode daemonSet = YAML.readTree(DAEMONSET.toFile());
        JsonNode monitor = YAML.readTree(PODMONITOR.toFile());
        assertThat(monitor.path("kind").asText()).isEqualTo("PodMonitor");
        assertThat(monitor.path("metadata").path("namespace")).isEqualTo(daemonSet.path("metadata").path("namespace"));
        JsonNode labels = daemonSet.path("spec").path("template").path("metadata").path("labels");
        monitor.path("spec").path("selector").path("matchLabels").properties()
                .forEach(e -> assertThat(labels.path(e.getKey())).as("pod label " + e.getKey()).isEqualTo(e.getValue()));
        JsonNode endpoint = monitor.path("spec").path("podMetricsEndpoints").get(0);
        JsonNode container = daemonSet.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(endpoint.path("port").asText()).isEqualTo(container.path("ports").get(0).path("name").asText());
        assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
        assertServed(endpoint.path("path").asText());
    }

    /**
     * The launcher's default --max-sources is the command's: the heap it sizes
     * without the flag is the heap for the command's default, and the flag changes it.
     */
    @Test
    void theLauncherSizesTheHeapFromTheCommandsDefaultMaxSources() throws IOException {
        int defaultMaxSources = (Integer) parsed(List.of()).findOption("--max-sources").getValue();
        assertThat(heapOf(List.of())).isEqualTo(heapOf(List.of("--max-sources", Integer.toString(defaultMaxSources))))
                .isEqualTo(heapOf(List.of("--max-sources=" + defaultMaxSources)));
        assertThat(heapOf(List.of("--max-sources", "1_048_576"))).isGreaterThan(heapOf(List.of()));
    }

    /** The flags as the command parses them: an unknown flag or a value it refuses fails here. */
    private static CommandSpec parsed(List<String> args) {
        CommandLine cli = new CommandLine(new XdpIpCounterCommand(settings -> 0));
        cli.parseArgs(args.toArray(String[]::new));
        return cli.getCommandSpec();
    }

    private static int serverPort(CommandSpec flags) {
        return flags.findOption("--server-port").getValue();
    }

    /** Heap as the launcher sizes it for these flags, plus the JVM and the kernel's maps. */
    private static long memoryNeeded(List<String> args, CommandSpec flags) throws IOException {
        int maxSources = flags.findOption("--max-sources").getValue();
        return heapOf(args) + JVM_OUTSIDE_HEAP + KERNEL_SKETCHES + KERNEL_BYTES_PER_SOURCE * maxSources;
    }

    /** The -Xmx the launcher gives the JVM for these flags (its dry run), in bytes. */
    private static long heapOf(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "-u", "XIC_HEAP", "XIC_DRY_RUN=1", "XIC_KEEP_ROOT=1",
                "XIC_JAVA=/bin/true", "XIC_JAR=/dev/null", "bash", LAUNCHER.toString()));
        command.addAll(args);
        String heap = Commands.run(Duration.ofSeconds(30), command).lines().filter(line -> line.startsWith("-Xmx"))
                .findFirst().orElseThrow(() -> new AssertionError("no -Xmx from the launcher"));
        return bytes(heap.substring("-Xmx".length()));
    }

    /** Checks that the tool's HTTP server answers {@code path} (before it serves a counter: 503, never 404). */
    private static void assertServed(String path) throws Exception {
        try (Exporter exporter = Exporter.bind(new ExporterConfig(InetAddress.getLoopbackAddress(), 0, true));
             HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + exporter.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("the tool's answer to " + path).isNotEqualTo(404);
        }
    }

    /** 512M, 512Mi, 153m (as -Xmx writes it), 1G, 1Gi: in bytes. */
    private static long bytes(String size) {
        Matcher m = Pattern.compile("(\\d+)([KMGkmg]?)(i?)").matcher(size.strip());
        assertThat(m.matches()).as("a size: " + size).isTrue();
        long unit = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 1L << 10;
            case "M" -> 1L << 20;
            case "G" -> 1L << 30;
            default -> 1;
        };
        return Long.parseLong(m.group(1)) * unit;
    }

    /** The lines of the container build file's last stage, continuation lines joined. */
    private static List<String> lastStage(String containerfile) {
        List<String> lines = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : containerfile.lines().toList()) {
            String line = raw.strip();
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            lines.add(pending.append(line).toString());
            pending.setLength(0);
            if (line.startsWith("FROM ")) {
                lines.clear();
                lines.add(line);
            }
        }
        return lines;
    }

    private static String instruction(List<String> stage, String name) {
        List<String> found = stage.stream().filter(line -> line.startsWith(name + " ")).toList();
        assertThat(found).as(name + " in the last stage").hasSize(1);
        return found.getFirst().substring(name.length() + 1).strip();
    }

    private static List<String> jsonArray(String text) throws IOException {
        return strings(new ObjectMapper().readTree(text));
    }

    private static List<String> strings(JsonNode array) {
        assertThat(array.isArray()).as("a list: " + array).isTrue();
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static List<String> words(String text) {
        assertThat(text).isNotNull();
        return List.of(text.strip().split("\\s+"));
    }
}
