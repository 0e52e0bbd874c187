package io.github.xdpipcounter.testing;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus's own tool: {@code promtool check metrics} and any other
 * command (Debian package prometheus, installed by scripts/test). Missing:
 * the test is skipped, or fails under CI=true.
 */
public final class Promtool {
    private Promtool() {
    }

    /**
     * What promtool prints about {@code exposition}; empty when it has nothing to say.
     *
     * @param exposition a scrape in the Prometheus text format
     * @return promtool's findings
     * @throws Exception when promtool cannot be run
     */
    public static String checkMetrics(String exposition) throws Exception {
        Process p = new ProcessBuilder(path(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool did not finish in 30 s");
        }
        if (p.exitValue() != 0 && out.isBlank()) {
            return "promtool exited " + p.exitValue();
        }
        return out.strip();
    }

    /**
     * Runs {@code promtool args...} in {@code dir}; returns its output.
     *
     * @param dir  the working directory
     * @param args promtool's arguments
     * @return its output, standard error included
     * @throws AssertionError with the output when it exits other than 0
     * @throws Exception      when promtool cannot be started or waited for
     */
    public static String run(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(path()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool " + String.join(" ", args) + " did not finish in 60 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("promtool " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    private static String path() {
        if (!Files.isExecutable(Path.of("/usr/bin/promtool"))) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true and promtool is missing: scripts/test installs package prometheus");
            }
            Assumptions.abort("promtool is missing (Debian package prometheus): run scripts/test as root to install it");
        }
        return "/usr/bin/promtool";
    }
}
