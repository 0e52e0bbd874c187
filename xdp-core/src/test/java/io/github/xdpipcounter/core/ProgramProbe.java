package io.github.xdpipcounter.core;

import io.github.xdpipcounter.core.testing.ReferenceClassifier.Outcome;

/**
 * Runs single frames through a loaded program with BPF_PROG_TEST_RUN and
 * reports what the program did with each, from the change in its
 * statistics and in the record the frame should have touched.
 */
final class ProgramProbe {
    private static final int XDP_PASS = 2;

    private final CounterProgram program;
    private final WindowInProgress window;
    private Statistics statistics;

    ProgramProbe(CounterProgram program) {
        this.program = program;
        this.window = new WindowInProgress(program);
        this.statistics = window.statistics();
    }

    /**
     * Runs {@code frame}; returns the outcome observed. {@code expected}
     * names the record to watch when a frame should be counted.
     */
    Outcome run(byte[] frame, Outcome expected) {
        long packetsBefore = expected.isCounted() ? packets(expected) : 0;
        var result = program.program().testRun(frame);
        if (result.returnValue() != XDP_PASS) {
            throw new AssertionError("program returned " + result.returnValue() + ", not XDP_PASS");
        }
        Statistics before = statistics;
        Statistics after = window.statistics();
        statistics = after;
        if (after.insertFailed() != before.insertFailed()) {
            return Outcome.ignored(null);
        }
        IgnoreReason ignored = null;
        int changes = 0;
        for (IgnoreReason reason : IgnoreReason.values()) {
            long delta = after.ignored(reason) - before.ignored(reason);
            if (delta != 0) {
                changes++;
                ignored = delta == 1 ? reason : null;
            }
        }
        if (changes > 1) {
            throw new AssertionError("one frame changed " + changes + " ignore counters: " + before + " -> " + after);
        }
        if (changes == 1) {
            if (ignored == null) {
                throw new AssertionError("an ignore counter moved by more than one: " + before + " -> " + after);
            }
            return Outcome.ignored(ignored);
        }
        if (expected.isCounted() && packets(expected) == packetsBefore + 1) {
            return expected;
        }
        // Counted, but not into the record the rules name (or counted nowhere).
        return new Outcome(null, null, null, null, -2);
    }

    private long packets(Outcome o) {
        return window.packets(o.network(), o.source(), o.transport(), o.port());
    }
}
