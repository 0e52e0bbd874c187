package io.github.xdpipcounter.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs a client program to its end within a time limit, keeping its exit
 * code and both outputs: a refused connection is a result, not an error.
 * ({@link Commands#run} fails on a non-zero exit.)
 */
public final class ChildProcess {
    /**
     * How a program ended.
     *
     * @param exit   its exit code
     * @param stdout what it wrote to standard output
     * @param stderr what it wrote to standard error
     */
    public record Outcome(int exit, String stdout, String stderr) {
    }

    private ChildProcess() {
    }

    /**
     * Runs {@code command} with no input.
     *
     * @param limit   how long it may run before it is killed and this fails
     * @param command the program and its arguments
     * @return how it ended
     */
    public static Outcome run(Duration limit, List<String> command) {
        return run(limit, command, "");
    }

    /**
     * Runs {@code command} with {@code stdin} as its input, then end of input.
     *
     * @param limit   how long it may run before it is killed and this fails
     * @param command the program and its arguments
     * @param stdin   its input
     * @return how it ended
     */
    public static Outcome run(Duration limit, List<String> command, String stdin) {
        try {
            Process p = new ProcessBuilder(command).start();
            try (var in = p.getOutputStream()) { // then EOF: openssl s_client leaves after the handshake
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            CompletableFuture<String> stdout = readAll(p.getInputStream());
            CompletableFuture<String> stderr = readAll(p.getErrorStream());
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("timed out after " + limit + ": " + String.join(" ", command));
            }
            return new Outcome(p.exitValue(), stdout.get(), stderr.get());
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + String.join(" ", command), e);
        } catch (ExecutionException e) {
            throw new AssertionError("could not read the output of " + String.join(" ", command), e.getCause());
        }
    }

    private static CompletableFuture<String> readAll(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(e);
            }
        });
        return text;
    }
}
