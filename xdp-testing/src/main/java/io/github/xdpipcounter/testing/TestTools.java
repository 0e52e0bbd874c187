package io.github.xdpipcounter.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * Programs the web security tests run as real clients (curl, openssl,
 * htpasswd), which scripts/test installs. Missing: the test is skipped,
 * or fails under CI=true.
 */
public final class TestTools {
    private TestTools() {
    }

    /**
     * The path of a program a test needs.
     *
     * @param tool          its file name, e.g. {@code curl}
     * @param debianPackage the Debian package that installs it, for the message when it is missing
     * @return its path
     */
    public static String require(String tool, String debianPackage) {
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
