package io.github.xdpipcounter.cli;

import java.time.Duration;

/** Window lengths as people write them: 60s, 5m, 1h. */
final class Durations {
    private Durations() {
    }

    static String text(Duration d) {
        long s = d.toSeconds();
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
