package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.xdpipcounter.testing.Commands;
import io.github.xdpipcounter.testing.RequiresRoot;
import io.github.xdpipcounter.testing.TwoHosts;
import io.github.xdpipcounter.testing.Exposition;

import static io.github.xdpipcounter.cli.PeerTraffic.DATAGRAMS;
import static io.github.xdpipcounter.cli.PeerTraffic.TCP_PORT;
import static io.github.xdpipcounter.cli.PeerTraffic.UDP_PORT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar started the way scripts/xdp-ip-counter starts it as root: as user
 * nobody, with only {@link Privileges#NEEDED}. The setpriv arguments come
 * from the launcher itself (its dry run), so the two cannot drift apart.
 * Every thread of the JVM is checked, since capabilities are per thread.
 */
@RequiresRoot
class LeastPrivilegeIT {
    static final Path LAUNCHER = Path.of(System.getProperty("xic.launcher", "../scripts/xdp-ip-counter"));
    private static final int NOBODY = 65534;
    private static final String READY = "http://127.0.0.1:3031/-/ready";

    @Test
    void everyThreadHoldsOnlyTheNeededCapabilitiesAndCountingStillWorks(@TempDir Path dir) throws Exception {
        Path jar = jarNobodyCanRead(dir);
        try (TwoHosts hosts = TwoHosts.create();
             ToolProcess tool = startLaunched(hosts, jar, "--iface", hosts.counterInterface,
                     "--ports", PeerTraffic.PORTS, "--window", "2s")) {
            tool.awaitStartup();
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isTrue();
            // ip netns exec and setpriv exec: the child's pid is the JVM's, not a wrapper's.
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(tool.pid()), "exe")))
                    .isEqualTo(Path.of(ToolProcess.JAVA).toRealPath());
            assertEveryThreadHoldsOnlyTheNeeded(tool.pid());

            // Flips, batch reads and deletes, all without a capability beyond the needed ones.
            Scrapes.awaitWindows(hosts.counter, 1);
            PeerTraffic.send(hosts);
            Map<String, Double> counted = Exposition.samples(Scrapes.awaitWindows(hosts.counter, 2).body());
            Map<String, Double> idle = Exposition.samples(Scrapes.awaitWindows(hosts.counter, 3).body());
            PeerTraffic.assertActive(counted);
            for (String network : PeerTraffic.NETWORKS) {
                assertThat(counted).containsEntry(Exposition.series("xdp_ipc_packets_total", network, "UDP", UDP_PORT),
                        3.0 * DATAGRAMS);
            }
            // The generation read in window 2 was emptied: window 3 starts from nothing.
            PeerTraffic.assertIdle(idle);
            // Threads started since (HTTP server, window timer) got no more either.
            assertEveryThreadHoldsOnlyTheNeeded(tool.pid());

            tool.terminate();
            assertThat(tool.awaitExit(Duration.ofSeconds(10))).isZero();
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isFalse();
            assertThat(tool.output()).noneMatch(line -> line.contains("WARNING") || line.contains("Exception"));
        }
    }

    /**
     * {@code ip link del} of the attached interface, then a new interface of
     * that name: said at once, reported in /metrics and /-/ready, and counted
     * again once it is back, all as nobody with the needed capabilities only
     * (attaching a program the process holds needs none).
     */
    @Test
    void aDeletedInterfaceIsReportedAndCountedAgainWhenItComesBack(@TempDir Path dir) throws Exception {
        Path jar = jarNobodyCanRead(dir);
        try (TwoHosts hosts = TwoHosts.create();
             ToolProcess tool = startLaunched(hosts, jar, "--iface", hosts.counterInterface,
                     "--ports", String.valueOf(UDP_PORT), "--window", "2s")) {
            tool.awaitStartup();
            Scrapes.awaitWindows(hosts.counter, 1);
            assertThat(Http.get(hosts.counter, READY).status()).isEqualTo(200);

            hosts.unlink();
            String gone = tool.awaitLine(line -> line.contains("interface " + hosts.counterInterface + " (index "),
                    Duration.ofSeconds(2));
            assertThat(gone).startsWith("xdp-ip-counter: warning: interface " + hosts.counterInterface)
                    .endsWith("was deleted: not counting there until an interface of that name appears again");
            Map<String, Double> detached = Exposition.samples(Http.get(hosts.counter, Scrapes.METRICS).body());
            assertThat(detached).containsEntry("xdp_ipc_interfaces_attached", 0.0)
                    .containsEntry("xdp_ipc_interfaces_configured", 1.0)
                    .noneSatisfy((name, value) -> assertThat(name).startsWith("xdp_ipc_info{"));
            Http.Response notReady = Http.get(hosts.counter, READY);
            assertThat(notReady.status()).isEqualTo(503);
            assertThat(notReady.body()).isEqualTo("attached to no interface\n");

            hosts.relink();
            tool.awaitLine(line -> line.contains("interface " + hosts.counterInterface + " is back"), Duration.ofSeconds(2));
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isTrue();
            assertThat(Http.get(hosts.counter, READY).status()).isEqualTo(200);
            Map<String, Double> back = Exposition.samples(Http.get(hosts.counter, Scrapes.METRICS).body());
            assertThat(back).containsEntry("xdp_ipc_interfaces_attached", 1.0);
            assertThat(back.keySet()).filteredOn(name -> name.startsWith("xdp_ipc_info{")).singleElement().asString()
                    .contains("interface=\"" + hosts.counterInterface + "\"").contains("mode=\"skb\"");

            // Counted again: right after a window, so that all of it lands in the next one.
            int windows = Exposition.samples(Http.get(hosts.counter, Scrapes.METRICS).body()).get("xdp_ipc_windows_total").intValue();
            Scrapes.awaitWindows(hosts.counter, windows + 1);
            PeerTraffic.send(hosts);
            Map<String, Double> counted = Exposition.samples(Scrapes.awaitWindows(hosts.counter, windows + 2).body());
            for (String network : PeerTraffic.NETWORKS) {
                assertThat(counted).containsEntry(Exposition.series("active_users", network, "UDP", UDP_PORT), 3.0);
            }
            assertEveryThreadHoldsOnlyTheNeeded(tool.pid());
        }
    }

    @Test
    void theLauncherRefusesAJarItsUserCannotRead(@TempDir Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path jar = Files.copy(ToolProcess.JAR, dir.resolve("xdp-ip-counter.jar"));
        Process launcher = new ProcessBuilder("env", "XIC_JAR=" + jar, "XIC_USER=nobody", "XIC_DRY_RUN=1",
                LAUNCHER.toString()).redirectErrorStream(true).start();
        launcher.getOutputStream().close();
        String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(launcher.waitFor()).isEqualTo(1);
        assertThat(output).isEqualTo("xdp-ip-counter: error: user nobody cannot read " + jar + ": copy it where nobody can"
                + " (e.g. /opt/xdp-ip-counter/), set XIC_USER, or XIC_KEEP_ROOT=1\n");
    }

    /**
     * The jar in {@code hosts.counter}, run as user nobody by the setpriv command
     * that scripts/xdp-ip-counter prints in its dry run.
     */
    static ToolProcess startLaunched(TwoHosts hosts, Path jar, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "XIC_JAR=" + jar, "XIC_USER=nobody", "XIC_DRY_RUN=1",
                LAUNCHER.toString()));
        command.addAll(List.of(args));
        List<String> lines = Commands.run(Duration.ofSeconds(30), command).lines().toList();
        int end = lines.indexOf("--");
        assertThat(end).as("launcher command %s", lines).isPositive();
        assertThat(lines.getFirst()).isEqualTo("setpriv");
        assertThat(String.join(" ", lines.subList(end + 1, lines.size()))).as("the launcher runs this jar with these flags")
                .endsWith(" -jar " + jar + " " + String.join(" ", args));
        return ToolProcess.start(hosts.counter.name(), lines.subList(0, end + 1), jar, args);
    }

    /** Uid nobody, and the needed set exactly in every set but the bounding one, which holds at most that. */
    static void assertEveryThreadHoldsOnlyTheNeeded(long pid) throws IOException {
        assertEveryThreadHoldsOnlyTheNeeded(pid, NOBODY);
    }

    /** {@link #assertEveryThreadHoldsOnlyTheNeeded(long)} for a process running as {@code uid}. */
    static void assertEveryThreadHoldsOnlyTheNeeded(long pid, int uid) throws IOException {
        List<String> seen = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String text;
                try {
                    text = Files.readString(task.resolve("status"));
                } catch (NoSuchFileException ended) {
                    continue; // a thread that ended meanwhile
                }
                String thread = task.getFileName() + " " + text.lines().findFirst().orElse("");
                Privileges.Status status = Privileges.Status.parse(text);
                assertThat(status.uid()).as("uid of thread %s", thread).isEqualTo(uid);
                List<String> needed = Privileges.names(Privileges.NEEDED);
                assertThat(Privileges.names(status.effective())).as("CapEff of thread %s", thread).isEqualTo(needed);
                assertThat(Privileges.names(status.permitted())).as("CapPrm of thread %s", thread).isEqualTo(needed);
                assertThat(Privileges.names(status.inheritable())).as("CapInh of thread %s", thread).isEqualTo(needed);
                assertThat(Privileges.names(status.ambient())).as("CapAmb of thread %s", thread).isEqualTo(needed);
                assertThat(Privileges.names(status.bounding() & ~Privileges.NEEDED)).as("CapBnd beyond the needed, thread %s",
                        thread).isEmpty();
                seen.add(thread);
            }
        }
        // The JVM's own threads (GC, compiler, ...) are there: this is not a one-thread look.
        assertThat(seen).as("threads").hasSizeGreaterThan(10);
    }

    /** User nobody must be able to read the jar: copy it out of the build tree. */
    private static Path jarNobodyCanRead(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.copy(ToolProcess.JAR, dir.resolve("xdp-ip-counter.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        return jar;
    }
}
