package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The C sources of src/test/c built with {@code cc} into target/native, each
 * at most once per JVM. Outputs appear by rename, so a process still running
 * an older build, or another JVM building the same file, never sees half a file.
 */
final class TestCCompiler {
    private static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    private static final Path SOURCES = MODULE.resolve("src/test/c");
    private static final Path OUTPUT = MODULE.resolve("target/native");
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Map<Path, Path> BUILT = new ConcurrentHashMap<>();

    private TestCCompiler() {
    }

    /** src/test/c/NAME.c as target/native/libNAME.so. */
    static Path sharedLibrary(String name) {
        return build(name, OUTPUT.resolve("lib" + name + ".so"), List.of("-shared", "-fPIC"), List.of("-ldl"));
    }

    /** src/test/c/NAME.c as the program target/native/NAME. */
    static Path executable(String name) {
        return build(name, OUTPUT.resolve(name), List.of(), List.of());
    }

    private static Path build(String name, Path output, List<String> flags, List<String> libraries) {
        return BUILT.computeIfAbsent(output, _ -> {
            try {
                return compile(SOURCES.resolve(name + ".c"), output, flags, libraries);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while compiling " + name, e);
            }
        });
    }

    private static Path compile(Path source, Path output, List<String> flags, List<String> libraries)
            throws IOException, InterruptedException {
        Files.createDirectories(OUTPUT);
        Path partial = Files.createTempFile(OUTPUT, output.getFileName() + ".", ".partial");
        Path log = Files.createTempFile(OUTPUT, output.getFileName() + ".", ".log");
        try {
            List<String> command = new ArrayList<>(List.of("cc", "-O2", "-Wall", "-Werror"));
            command.addAll(flags);
            command.addAll(List.of("-o", partial.toString(), source.toString()));
            command.addAll(libraries);
            // Output to a file: a full pipe would stall the compiler past the limit.
            Process cc = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!cc.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                cc.destroyForcibly();
                cc.waitFor(5, TimeUnit.SECONDS);
                throw new IOException("cc did not finish " + source + " within " + LIMIT + ": " + Files.readString(log));
            }
            if (cc.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + cc.exitValue() + ":\n" + Files.readString(log));
            }
            return Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
            Files.deleteIfExists(log);
        }
    }
}
