package io.github.xdpipcounter.testing;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus's own linter, {@code promtool check metrics} (Debian package
 * prometheus, installed by scripts/test). Missing: the test is skipped, or
 * fails under CI=true.
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
        String promtool = Files.isExecutable(Path.of("/usr/bin/promtool")) ? "/usr/bin/promtool" : null;
        if (promtool == null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true and promtool is missing: scripts/test installs package prometheus");
            }
            Assumptions.abort("promtool is missing (Debian package prometheus): run scripts/test as root to install it");
        }
        Process p = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
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
}
