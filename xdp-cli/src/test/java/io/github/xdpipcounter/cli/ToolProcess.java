package io.github.xdpipcounter.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The built xdp-ip-counter.jar running as a child process (in a test
 * namespace), its output collected line by line. Closing kills it. Lines are
 * read without the time the tool's logs start with ({@link #rawOutput} keeps it).
 */
final class ToolProcess implements AutoCloseable {
    /** The time a log line starts with: RFC 3339, UTC, milliseconds. */
    static final Pattern STAMP = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ");
    static final Path JAR = Path.of(System.getProperty("xic.jar", "target/xdp-ip-counter.jar"));
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /** From launch to the start-up line: a JVM start and a BPF load, on a loaded machine. */
    static final Duration START_LIMIT = Duration.ofSeconds(30);

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ToolProcess(List<String> command) throws IOException {
        this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        this.reader = Thread.ofPlatform().daemon().name("tool-output").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process is gone
            }
        });
    }

    /** {@code ip netns exec NS [prefix...] java -jar xdp-ip-counter.jar args...}: no native-access flag, the manifest has it. */
    static ToolProcess start(String namespace, List<String> prefix, String... args) throws IOException {
        return start(namespace, prefix, JAR, args);
    }

    static ToolProcess start(String namespace, List<String> prefix, Path jar, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        command.addAll(prefix);
        command.addAll(List.of(JAVA, "-jar", jar.toString()));
        command.addAll(List.of(args));
        return new ToolProcess(command);
    }

    /** Any command, its output collected the same way: for the tests of the test helpers. */
    static ToolProcess startCommand(List<String> command) throws IOException {
        return new ToolProcess(List.copyOf(command));
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for an output line that matches; fails with the output so far. */
    String awaitLine(Predicate<String> matching, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : output(lines)) {
                if (matching.test(line)) {
                    return line;
                }
            }
            if (!process.isAlive() && !reader.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching line within " + limit + "; output:\n" + String.join("\n", lines));
    }

    /** Waits for the start-up line ("xdp-ip-counter: counting sources to ..."); returns it. */
    String awaitStartup() throws InterruptedException {
        return awaitLine(ToolProcess::isStartupLine, START_LIMIT);
    }

    static boolean isStartupLine(String line) {
        return line.startsWith(Main.NAME + ": counting sources");
    }

    /** Waits for the exit; returns the exit code. */
    int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + limit + "; output:\n" + String.join("\n", lines));
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /** SIGTERM, through the handle: Process.destroy() would also close our end of its output. */
    void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL. */
    void kill() {
        process.destroyForcibly();
    }

    void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    /**
     * The output lines, less the warning a run as full root starts with
     * (the tests run the jar as root; that warning has tests of its own).
     */
    List<String> output() {
        return output(lines).stream().filter(line -> !isExcessPrivilegeWarning(line)).toList();
    }

    /** Every output line. */
    List<String> allOutput() {
        return output(lines);
    }

    /** Every output line as printed, times included. */
    List<String> rawOutput() {
        return List.copyOf(lines);
    }

    private static List<String> output(List<String> raw) {
        return raw.stream().map(line -> STAMP.matcher(line).replaceFirst("")).toList();
    }

    static boolean isExcessPrivilegeWarning(String line) {
        return line.startsWith(Main.NAME + ": warning: running as root with capabilities it does not need");
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
