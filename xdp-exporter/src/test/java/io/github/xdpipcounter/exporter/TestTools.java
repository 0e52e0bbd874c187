package io.github.xdpipcounter.exporter;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * Programs the web security tests run as real clients (curl, openssl,
 * htpasswd), which scripts/test installs. Missing: the test is skipped,
 * or fails under CI=true.
 */
final class TestTools {
    private TestTools() {
    }

    /** The path of {@code tool}, from Debian package {@code debianPackage}. */
    static String require(String tool, String debianPackage) {
        for (String dir : new String[] {"/usr/bin", "/bin", "/usr/local/bin"}) {
            Path path = Path.of(dir, tool);
            if (Files.isExecutable(path)) {
                return path.toString();
            }
        }
        String missing = tool + " is missing (Debian package " + debianPackage + ")";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true and " + missing + ": scripts/test installs it");
        }
        Assumptions.abort(missing + ": run scripts/test as root to install it");
        throw new AssertionError("unreachable");
    }
}
