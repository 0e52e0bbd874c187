package io.github.xdpipcounter.cli;

import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoggingTest {
    @AfterEach
    void restoreDefaultLogging() throws Exception {
        LogManager.getLogManager().readConfiguration();
    }

    /**
     * java.util.logging holds loggers weakly: a level set on a logger nobody
     * else holds is gone after a garbage collection, and with --verbose every
     * exit then printed "Runtime.exit() called with status: 143" and a trace.
     */
    @Test
    void theQuietedLoggersKeepTheirLevelAcrossGarbageCollection() throws Exception {
        Logging.configure(Level.FINE);
        // A logger nobody holds: once it is collected, so would an unheld quieted one be.
        WeakReference<Logger> canary = new WeakReference<>(Logger.getLogger(LoggingTest.class.getName() + ".canary"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (canary.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(canary.get()).as("an unheld logger collected").isNull();

        for (String name : new String[] {"java.lang.Runtime", "io.prometheus", "com.sun.net.httpserver"}) {
            assertThat(Logger.getLogger(name).getLevel()).as(name).isEqualTo(Level.WARNING);
        }
        assertThat(Logger.getLogger("").getLevel()).isEqualTo(Level.FINE);
    }

    /** RFC 3339 in UTC with milliseconds, three digits even when they are zero; nothing under the journal. */
    @Test
    void linesStartWithTheTimeToTheMillisecondUnlessTheJournalStampsThem() {
        assertThat(Logging.prefix(Instant.parse("2026-11-27T18:04:22.120Z"), true))
                .isEqualTo("2026-11-27T18:04:22.120Z xdp-ip-counter: ");
        assertThat(Logging.prefix(Instant.parse("2026-11-27T18:04:22Z"), true))
                .isEqualTo("2026-11-27T18:04:22.000Z xdp-ip-counter: ");
        assertThat(Logging.prefix(Instant.parse("2026-11-27T18:04:22.999999Z"), false)).isEqualTo("xdp-ip-counter: ");
    }
}
