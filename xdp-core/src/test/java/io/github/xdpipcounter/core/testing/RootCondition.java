package io.github.xdpipcounter.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** See {@link RequiresRoot}. */
public final class RootCondition implements BeforeAllCallback, BeforeEachCallback {
    private static final String REASON = "needs root (loads BPF programs, makes network namespaces): run scripts/test as root";

    @Override
    public void beforeAll(ExtensionContext context) {
        check();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        check();
    }

    private static void check() {
        if (isRoot()) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail("CI=true and this test " + REASON);
        }
        Assumptions.abort(REASON);
    }

    /** The effective uid, from /proc: Java has no portable way to ask. */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
