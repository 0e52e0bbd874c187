package io.github.xdpipcounter.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/** Runs a command with a time limit; a failure carries its output. */
public final class Commands {
    private Commands() {
    }

    /**
     * Runs a command to its end.
     *
     * @param limit   how long it may run
     * @param command the program and its arguments
     * @return its output, standard error included
     * @throws IllegalStateException when it fails, times out or cannot start
     */
    public static String run(Duration limit, String... command) {
        return run(limit, List.of(command));
    }

    /**
     * Runs a command to its end.
     *
     * @param limit   how long it may run
     * @param command the program and its arguments
     * @return its output, standard error included
     * @throws IllegalStateException when it fails, times out or cannot start
     */
    public static String run(Duration limit, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            // Read while it runs: a command that writes more than a pipe holds (64 KB) would otherwise wait for us forever.
            FutureTask<byte[]> output = new FutureTask<>(() -> p.getInputStream().readAllBytes());
            Thread.ofVirtual().start(output);
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IllegalStateException("timed out after " + limit + ": " + String.join(" ", command));
            }
            String out = new String(output.get(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("exit " + p.exitValue() + ": " + String.join(" ", command) + "\n" + out);
            }
            return out;
        } catch (IOException | ExecutionException e) {
            throw new IllegalStateException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }
}
