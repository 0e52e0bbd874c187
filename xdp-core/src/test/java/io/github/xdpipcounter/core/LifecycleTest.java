package io.github.xdpipcounter.core;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.xdpipcounter.core.bpf.BpfException;
import io.github.xdpipcounter.testing.Commands;
import io.github.xdpipcounter.testing.RequiresRoot;
import io.github.xdpipcounter.testing.TwoHosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Nothing stays attached: not after close, not after SIGKILL, not after a failed start. */
@RequiresRoot
class LifecycleTest {

    @Test
    void closeDetachesAndIsIdempotent() throws Exception {
        try (TwoHosts hosts = TwoHosts.create()) {
            IpCounter counter = hosts.counter.inside(() -> IpCounter.start(new CounterConfig(List.of(hosts.counterInterface))));
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isTrue();
            counter.close();
            counter.close();
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isFalse();
            assertThat(counter.attachments()).allSatisfy(attachment -> assertThat(attachment.attached()).isFalse());
            assertThatThrownBy(counter::completeWindow).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aKilledJvmLeavesNothingAttached() throws Exception {
        try (TwoHosts hosts = TwoHosts.create()) {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", hosts.counter.name(),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", testClassPath(),
                    AttachAndWait.class.getName(), hosts.counterInterface));
            Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                String line = readLineWithin(out, Duration.ofSeconds(30));
                assertThat(line).as("child output").startsWith("attached");
                assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isTrue();
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(child.exitValue()).isEqualTo(137);
            assertThat(hosts.counter.awaitXdp(hosts.counterInterface, false, Duration.ofSeconds(5)))
                    .as("attached after SIGKILL").isFalse();
        }
    }

    @Test
    void anUnknownInterfaceIsAClearErrorAndLeavesNothingBehind() throws Exception {
        try (TwoHosts hosts = TwoHosts.create()) {
            assertThatThrownBy(() -> hosts.counter.inside(() -> IpCounter.start(
                    new CounterConfig(List.of(hosts.counterInterface, "nosuch0")))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no network interface named 'nosuch0'");
            // The first interface had been attached before the second failed: it is detached again.
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isFalse();
        }
    }

    @Test
    void withoutPrivilegesTheErrorSaysWhatIsNeeded(@TempDir Path dir) throws Exception {
        String classPath = worldReadableCopyOfOurClassPath(dir);
        List<String> cmd = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, LoadAndReport.class.getName());
        String out = Commands.run(Duration.ofSeconds(30), cmd);
        assertThat(out).contains("BpfException").contains("EPERM").contains("needs root, or CAP_BPF + CAP_NET_ADMIN + CAP_PERFMON");
    }

    /** Child process for the unprivileged case: tries to load and prints what it got. */
    public static final class LoadAndReport {
        public static void main(String[] args) {
            try (CounterProgram _ = CounterProgram.load(16)) {
                System.out.println("loaded without privileges?");
            } catch (BpfException e) {
                System.out.println("BpfException: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
    }

    private static String readLineWithin(BufferedReader reader, Duration limit) throws Exception {
        var executor = Executors.newSingleThreadExecutor();
        try {
            return executor.submit(reader::readLine).get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            executor.shutdownNow();
        }
    }

    /** Our own class-path entries, copied where user nobody can read them (not under /root). */
    private static String worldReadableCopyOfOurClassPath(Path dir) throws Exception {
        List<String> copies = new ArrayList<>();
        int i = 0;
        for (String entry : testClassPath().split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!entry.contains("xdp") || !Files.exists(source)) {
                continue;
            }
            Path target = dir.resolve("cp" + i++);
            if (Files.isDirectory(source)) {
                try (var files = Files.walk(source)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        Path t = target.resolve(source.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(t);
                        } else {
                            Files.copy(p, t);
                        }
                    }
                }
            } else {
                target = dir.resolve("cp" + i + ".jar");
                Files.copy(source, target);
            }
            copies.add(target.toString());
        }
        Commands.run(Duration.ofSeconds(10), "chmod", "-R", "a+rX", dir.toString());
        return String.join(File.pathSeparator, copies);
    }

    /** Surefire's real test class path (java.class.path may be a manifest-only jar). */
    private static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

}
