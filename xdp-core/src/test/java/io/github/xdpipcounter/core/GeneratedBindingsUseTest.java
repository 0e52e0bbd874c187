package io.github.xdpipcounter.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated jextract packages stay behind the one package that wraps
 * each: {@code core.internal.libbpf} behind {@code core.bpf} (and the typed
 * views of the program's structs in {@code core.internal.layout}, which only
 * the domain package {@code core} reads), {@code core.internal.netlink}
 * behind {@code core.netlink} (main and test code of every module of the
 * project).
 */
class GeneratedBindingsUseTest {
    private static final String INTERNAL = "io.github.xdpipcounter.core.internal.";
    private static final Map<String, String> ONLY_USER = Map.of(
            "libbpf", "io.github.xdpipcounter.core.bpf",
            "netlink", "io.github.xdpipcounter.core.netlink",
            "layout", "io.github.xdpipcounter.core");
    private static final Pattern USE = Pattern.compile(Pattern.quote(INTERNAL) + "(\\w+)");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");

    @Test
    void onlyTheWrappingPackageUsesEachGeneratedPackage() throws IOException {
        Path project = Path.of("").toAbsolutePath().getParent(); // Surefire runs in the module's directory
        assertThat(project.resolve("xdp-core/src/main/jextract")).as("the project's root").isDirectory();
        List<String> misuses = new ArrayList<>();
        int read = 0;
        try (Stream<Path> files = Files.walk(project)) {
            for (Path file : files.filter(GeneratedBindingsUseTest::handWrittenSource).toList()) {
                read++;
                String text = Files.readString(file);
                Matcher packageName = PACKAGE.matcher(text);
                String user = packageName.find() ? packageName.group(1) : "";
                Matcher use = USE.matcher(text);
                while (use.find()) {
                    if (!user.equals(ONLY_USER.get(use.group(1)))) {
                        misuses.add(project.relativize(file) + " (package " + user + ") uses " + INTERNAL + use.group(1));
                    }
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }

        assertThat(read).as("sources read").isGreaterThan(100);
        assertThat(misuses).isEmpty();
    }

    private static boolean handWrittenSource(Path file) {
        String path = file.toString().replace('\\', '/');
        return path.endsWith(".java") && path.contains("/src/") && !path.contains("/target/")
                && !path.contains("/io/github/xdpipcounter/core/internal/");
    }
}
