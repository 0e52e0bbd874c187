package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import io.github.xdpipcounter.testing.Commands;
import io.github.xdpipcounter.testing.RequiresRoot;
import io.github.xdpipcounter.testing.TwoHosts;
import io.github.xdpipcounter.testing.Exposition;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What scripts/package makes from this build's jar, as an operator gets it:
 * the .deb built once, inspected, unpacked, and its command run with no JDK
 * on PATH, as the service user its postinst creates and with only the
 * capabilities its unit grants, against real traffic in a test namespace.
 */
@RequiresRoot
class PackageIT {
    private static final Path SCRIPT = Path.of(System.getProperty("xic.package", "../scripts/package"));
    private static final Path README = Path.of("..", "README.md");
    private static final Path DIST = Path.of("target", "package-it");
    private static final String UNIT = "usr/lib/systemd/system/xdp-ip-counter.service";
    private static final Duration START_LIMIT = Duration.ofSeconds(30);
    private static final int UDP_PORT = 5353;
    private static final int TCP_PORT = 2222;
    private static final int DATAGRAMS = 4;
    /** The tools the command needs, and nothing else: no java. */
    private static final List<String> TOOLS = List.of("bash", "env", "id", "readlink", "dirname");
    /**
     * Runs the unpacked package as its unit would, in a mount namespace of its own:
     * a copy of /etc mounted over /etc (so the host's users stay untouched), the
     * package's postinst run there to create the service user, then the unit's
     * command as that user with the unit's capabilities, in the test's network
     * namespace, with stderr named by JOURNAL_STREAM as systemd names the journal's.
     */
    private static final String AS_THE_UNIT = """
            set -euo pipefail
            root=$1 etc=$2 ns=$3 tools=$4 user=$5 group=$6 ambient=$7 bounding=$8 command=$9
            shift 9
            mount --bind "$etc" /etc
            "$root/DEBIAN/postinst" configure
            journal=$(stat -L -c %d:%i /proc/self/fd/2)
            exec ip netns exec "$ns" setpriv --reuid="$user" --regid="$group" --init-groups --no-new-privs \\
              --inh-caps="-all,$ambient" --ambient-caps="-all,$ambient" --bounding-set="-all,$bounding" -- \\
              env -i PATH="$tools" JOURNAL_STREAM="$journal" "$root$command" "$@"
            """;

    private static Path deb;
    private static Path tarball;

    @BeforeAll
    static void buildThePackagesOnce() throws IOException {
        deleteTree(DIST);
        long start = System.nanoTime();
        Commands.run(Duration.ofMinutes(10), SCRIPT.toString(), "--jar", ToolProcess.JAR.toString(), "--out", DIST.toString());
        System.out.printf("scripts/package took %.1f s%n", (System.nanoTime() - start) / 1e9);
        deb = only(DIST, ".deb");
        tarball = only(DIST, ".tar.gz");
        System.out.printf("%s: %,d bytes; %s: %,d bytes%n", deb.getFileName(), Files.size(deb), tarball.getFileName(),
                Files.size(tarball));
    }

    @Test
    void theDebDependsOnLibbpfAndNoJavaAndCarriesTheCommandItsRuntimeAndTheSystemFiles() {
        String info = Commands.run(Duration.ofSeconds(30), "dpkg-deb", "-I", deb.toString());
        assertThat(field(info, "Package")).isEqualTo("xdp-ip-counter");
        assertThat(field(info, "Architecture")).isEqualTo(Commands.run(Duration.ofSeconds(10), "dpkg", "--print-architecture").trim());
        assertThat(field(info, "Version")).isEqualTo(io.github.xdpipcounter.core.Version.current().replace('-', '~'));
        List<String> depends = List.of(field(info, "Depends").split(",\\s*"));
        assertThat(depends).contains("libbpf1").anyMatch(d -> d.startsWith("libc6"))
                .noneMatch(d -> d.matches("(?i).*(java|jdk|jre).*"));
        assertThat(info).contains(" postinst ", " prerm ", " postrm ", " conffiles ");

        Set<String> files = debFiles();
        assertThat(files).contains("usr/bin/xdp-ip-counter", "usr/lib/xdp-ip-counter/bin/xdp-ip-counter",
                "usr/lib/xdp-ip-counter/lib/app/xdp-ip-counter.jar", "usr/lib/xdp-ip-counter/lib/runtime/lib/server/libjvm.so",
                "usr/share/man/man1/xdp-ip-counter.1.gz", "usr/share/bash-completion/completions/xdp-ip-counter",
                "usr/share/zsh/vendor-completions/_xdp-ip-counter", UNIT, "etc/default/xdp-ip-counter",
                "usr/share/doc/xdp-ip-counter/copyright", "usr/share/doc/xdp-ip-counter/LICENSE",
                "usr/share/doc/xdp-ip-counter/THIRD-PARTY.txt", "usr/share/doc/xdp-ip-counter/changelog.gz");
        // A runtime of the modules the tool uses, with no java command and no JDK tools.
        assertThat(files).noneMatch(path -> path.endsWith("/bin/java") || path.endsWith("/bin/javac"));
        assertThat(files).filteredOn(path -> path.startsWith("usr/lib/xdp-ip-counter/lib/runtime/legal/"))
                .extracting(path -> path.split("/")[6]).containsOnly("java.base", "java.logging", "jdk.httpserver", "jdk.unsupported");

        // The tarball holds the same files under one directory.
        String top = tarball.getFileName().toString().replaceFirst("-linux-[^-]+\\.tar\\.gz$", "");
        Set<String> tarFiles = new TreeSet<>();
        for (String line : Commands.run(Duration.ofSeconds(60), "tar", "-tzf", tarball.toString()).lines().toList()) {
            if (!line.endsWith("/")) {
                assertThat(line).startsWith(top + "/");
                tarFiles.add(line.substring(top.length() + 1).replaceFirst("^(bin|lib|share)/", "usr/$1/"));
            }
        }
        assertThat(tarFiles).isEqualTo(files);
    }

    @Test
    void theUnitIsCleanForSystemdAnalyzeAndScoresWhatTheReadmeSays(@TempDir Path dir) throws IOException {
        Path root = unpack(dir);
        // verify resolves the unit's dependencies and its ExecStart in the unpacked tree: give it systemd's own units.
        Commands.run(Duration.ofSeconds(30), "cp", "-an", "/lib/systemd/system/.", root.resolve("usr/lib/systemd/system").toString());
        String verify = Commands.run(Duration.ofSeconds(60), "systemd-analyze", "verify", "--man=no", "--root=" + root,
                root.resolve(UNIT).toString());
        assertThat(verify).as("systemd-analyze verify").isEmpty();

        String security = Commands.run(Duration.ofSeconds(60), "systemd-analyze", "security", "--offline=true", "--no-pager",
                root.resolve(UNIT).toString());
        Matcher score = Pattern.compile("Overall exposure level for xdp-ip-counter.service: (\\d+\\.\\d)").matcher(security);
        assertThat(score.find()).as(security).isTrue();
        Matcher stated = Pattern.compile("`systemd-analyze security` rates the unit (\\d+\\.\\d)").matcher(Files.readString(README));
        assertThat(stated.find()).as("the README states the score").isTrue();
        assertThat(score.group(1)).as("score of the unit, as the README states it").isEqualTo(stated.group(1));
    }

    @Test
    void theUnpackedCommandCountsRealTrafficAsTheServiceUserWithTheUnitsCapabilitiesAndNoJdk(@TempDir Path dir)
            throws Exception {
        Path root = unpack(dir);
        Path etc = dir.resolve("etc");
        Commands.run(Duration.ofSeconds(60), "cp", "-a", "/etc/.", etc.toString());
        Path tools = tools(dir);
        Map<String, String> unit = unitSettings(root);
        String user = unit.get("User");
        List<String> execStart = List.of(unit.get("ExecStart").split("\\s+"));
        assertThat(execStart).as("ExecStart").hasSize(2).last().isEqualTo("$ARGS");

        try (TwoHosts hosts = TwoHosts.create()) {
            List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "bash", "-c",
                    AS_THE_UNIT, "as-the-unit", root.toString(), etc.toString(), hosts.counter.name(), tools.toString(), user,
                    unit.get("Group"), setprivCapabilities(unit.get("AmbientCapabilities")),
                    setprivCapabilities(unit.get("CapabilityBoundingSet")), execStart.getFirst()));
            command.addAll(List.of("--iface", hosts.counterInterface, "--ports", UDP_PORT + "," + TCP_PORT,
                    "--window", "3s", "--serve-ip-list"));
            assertThat(unit.get("NoNewPrivileges")).isEqualTo("yes");
            try (ToolProcess tool = ToolProcess.startCommand(command)) {
                tool.awaitLine(line -> line.startsWith("xdp-ip-counter: counting sources"), START_LIMIT);
                // The bundled runtime, not a JDK of the host's, as the user the postinst made.
                Path launcher = root.resolve("usr/lib/xdp-ip-counter/bin/xdp-ip-counter");
                assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(tool.pid()), "exe"))).isEqualTo(launcher);
                assertThat(Files.readString(Path.of("/proc", Long.toString(tool.pid()), "maps")))
                        .contains(root.resolve("usr/lib/xdp-ip-counter/lib/runtime/lib/server/libjvm.so").toString());
                LeastPrivilegeIT.assertEveryThreadHoldsOnlyTheNeeded(tool.pid(), uidIn(etc, user));

                Scrapes.awaitWindows(hosts.counter, 1);
                hosts.sendFromPeer(DATAGRAMS, UDP_PORT, TCP_PORT);
                Map<String, Double> metrics = Exposition.samples(Scrapes.awaitWindows(hosts.counter, 2).body());
                Scrapes.assertCountedPeerTraffic(metrics, UDP_PORT, TCP_PORT, DATAGRAMS);
                System.out.println("resident memory of the packaged tool after two windows: "
                        + Files.readAllLines(Path.of("/proc", Long.toString(tool.pid()), "status")).stream()
                        .filter(line -> line.startsWith("VmRSS") || line.startsWith("VmHWM")).toList());
                // /list writes JSON with Jackson: on this runtime too.
                Http.Response list = Http.get(hosts.counter, "http://127.0.0.1:3031/list");
                assertThat(new ObjectMapper().readTree(list.body())).hasSize(12);

                tool.terminate();
                assertThat(tool.awaitExit(Duration.ofSeconds(10))).isZero();
                assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isFalse();
                // Under the journal, which stamps lines itself, the tool does not.
                assertThat(tool.rawOutput()).as("output").last().isEqualTo("xdp-ip-counter: detached and stopped");
                assertThat(tool.rawOutput()).allMatch(line -> line.startsWith("xdp-ip-counter: "));
            }
        }
    }

    /**
     * The web configuration (YAML) is read on the jlinked runtime: a good file
     * passes and the next flag is the one refused. XIC_HEAP reaches the JVM.
     */
    @Test
    void theRuntimeReadsTheWebConfigurationAndTakesTheHeapFromXicHeap(@TempDir Path dir) throws Exception {
        Path root = unpack(dir);
        Path webConfig = Files.writeString(dir.resolve("web.yml"),
                "basic_auth_users:\n  prometheus: $2y$10$abcdefghijklmnopqrstuuOyXyIW4kIG0H0V6l/c1jYmAFPx4QpxS\n");
        Path tools = tools(dir);
        String command = root.resolve("usr/bin/xdp-ip-counter").toString();
        Process run = new ProcessBuilder("env", "-i", "PATH=" + tools, "XIC_KEEP_ROOT=1", command,
                "--web.config.file", webConfig.toString(), "--iface", "nosuch0").redirectErrorStream(true).start();
        assertThat(new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("xdp-ip-counter: invalid value for option '--iface': no network interface named 'nosuch0': "
                        + "see 'ip link' for the names here (see --help)\n");
        assertThat(run.waitFor()).isEqualTo(2);

        Process heap = new ProcessBuilder("env", "-i", "PATH=" + tools, "XIC_KEEP_ROOT=1", "XIC_HEAP=12x", command,
                "--version").redirectErrorStream(true).start();
        assertThat(new String(heap.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .startsWith("Invalid maximum heap size: -Xmx12x");
        assertThat(heap.waitFor()).isEqualTo(1);

        String version = Commands.run(Duration.ofSeconds(30), "env", "-i", "PATH=" + tools, "XIC_KEEP_ROOT=1", command, "--version");
        assertThat(version).startsWith("xdp-ip-counter " + io.github.xdpipcounter.core.Version.current() + "\ncommit ");
    }

    /** The tarball runs from wherever it is unpacked: its command finds the runtime beside it. */
    @Test
    void theTarballsCommandRunsFromWhereverItIsUnpacked(@TempDir Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Commands.run(Duration.ofSeconds(60), "tar", "-xzf", tarball.toString(), "-C", dir.toString());
        Path top = only(dir, "-" + io.github.xdpipcounter.core.Version.current());
        String version = Commands.run(Duration.ofSeconds(30), "env", "-i", "PATH=" + tools(dir), "XIC_KEEP_ROOT=1",
                top.resolve("bin/xdp-ip-counter").toString(), "--version");
        assertThat(version).startsWith("xdp-ip-counter " + io.github.xdpipcounter.core.Version.current() + "\ncommit ")
                .contains("\nlibbpf 1.");
    }

    /** The generated bash completion, sourced into bash and asked as bash asks it at a prompt. */
    @Test
    void bashCompletesFlagsAndModes(@TempDir Path dir) throws IOException {
        Path completion = unpack(dir).resolve("usr/share/bash-completion/completions/xdp-ip-counter");
        assertThat(complete(completion, "--mo")).isEqualTo("--mode");
        assertThat(complete(completion, "--mode", "")).isEqualTo("skb driver hw");
        assertThat(complete(completion, "--serve-")).isEqualTo("--serve-ip-list");
    }

    /** The man page is troff, and names every option of the command. */
    @Test
    void theManPageNamesEveryOption(@TempDir Path dir) throws IOException {
        Path page = unpack(dir).resolve("usr/share/man/man1/xdp-ip-counter.1.gz");
        String troff;
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(page))) {
            troff = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(troff).contains(".TH \"XDP\\-IP\\-COUNTER\" \"1\"");
        for (OptionSpec option : new CommandLine(XdpIpCounterCommand.class).getCommandSpec().options()) {
            assertThat(troff).as("man page").contains(option.longestName().replace("-", "\\-"));
        }
    }

    /** COMPREPLY for {@code xdp-ip-counter WORDS...}, the cursor at the end of the last word. */
    private static String complete(Path completion, String... words) {
        StringBuilder array = new StringBuilder("xdp-ip-counter");
        for (String word : words) {
            array.append(" '").append(word).append("'");
        }
        String script = "source '" + completion + "' 2>/dev/null; COMP_WORDS=(" + array + "); COMP_CWORD=" + words.length
                + "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _complete_xdp-ip-counter 2>/dev/null;"
                + " echo \"${COMPREPLY[*]}\"";
        return Commands.run(Duration.ofSeconds(30), "bash", "--norc", "-c", script).trim();
    }

    /** The .deb unpacked (data and control files) into {@code dir}/root, which every user may enter. */
    private static Path unpack(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path root = dir.resolve("root");
        Commands.run(Duration.ofSeconds(60), "dpkg-deb", "-R", deb.toString(), root.toString());
        return root;
    }

    /** A PATH directory holding {@link #TOOLS} only. */
    private static Path tools(Path dir) throws IOException {
        Path tools = Files.createDirectories(dir.resolve("tools"));
        for (String tool : TOOLS) {
            Path real = Stream.of("/usr/bin", "/bin").map(p -> Path.of(p, tool)).filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + tool));
            Files.createSymbolicLink(tools.resolve(tool), real);
        }
        return tools;
    }

    private Set<String> debFiles() {
        Set<String> files = new TreeSet<>();
        for (String line : Commands.run(Duration.ofSeconds(60), "dpkg-deb", "-c", deb.toString()).lines().toList()) {
            String path = line.substring(line.indexOf(" ./") + 3).replaceFirst(" -> .*$", "");
            if (!path.isEmpty() && !path.endsWith("/")) {
                files.add(path);
            }
        }
        return files;
    }

    /** The [Service] settings of the unpacked unit, as the unit file spells them. */
    static Map<String, String> unitSettings(Path root) throws IOException {
        return UnitFile.settings(Files.readString(root.resolve(UNIT)));
    }

    /** "CAP_BPF CAP_NET_ADMIN" as setpriv writes it: "+bpf,+net_admin". */
    private static String setprivCapabilities(String unitValue) {
        List<String> caps = new ArrayList<>();
        for (String cap : unitValue.trim().split("\\s+")) {
            caps.add("+" + cap.replaceFirst("^CAP_", "").toLowerCase(java.util.Locale.ROOT));
        }
        return String.join(",", caps);
    }

    private static int uidIn(Path etc, String user) throws IOException {
        return Files.readAllLines(etc.resolve("passwd")).stream().filter(line -> line.startsWith(user + ":"))
                .map(line -> Integer.parseInt(line.split(":")[2])).findFirst()
                .orElseThrow(() -> new AssertionError("the postinst made no user " + user));
    }

    private static String field(String info, String name) {
        Matcher m = Pattern.compile("^ " + name + ": (.*)$", Pattern.MULTILINE).matcher(info);
        assertThat(m.find()).as(name + " in\n" + info).isTrue();
        return m.group(1).trim();
    }

    private static Path only(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
            assertThat(found).as(suffix + " in " + dir).hasSize(1);
            return found.getFirst();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
