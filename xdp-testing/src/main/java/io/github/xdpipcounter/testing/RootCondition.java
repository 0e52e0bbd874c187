package io.github.xdpipcounter.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * See {@link RequiresRoot}. A condition rather than an assumption: it is
 * evaluated before the class's own set-up (which would fail to load BPF),
 * and Surefire reports the skip with its reason.
 */
public final class RootCondition implements ExecutionCondition {
    /** Made by JUnit for {@link RequiresRoot}. */
    public RootCondition() {
    }

    private static final String REASON = "needs root (loads BPF programs, makes network namespaces): run scripts/test as root";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (isRoot()) {
            return ConditionEvaluationResult.enabled("running as root");
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true and " + context.getDisplayName() + " " + REASON);
        }
        return ConditionEvaluationResult.disabled(REASON);
    }

    /**
     * The effective uid, from /proc: Java has no portable way to ask.
     *
     * @return whether this process runs as uid 0
     */
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
