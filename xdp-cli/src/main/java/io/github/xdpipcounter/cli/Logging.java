package io.github.xdpipcounter.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Logs go to stderr, one line each, through java.util.logging (which
 * System.Logger uses by default): INFO by default, WARNING with --quiet,
 * FINE with --verbose. Stack traces only with --verbose. Each line starts
 * with the time (RFC 3339, UTC, milliseconds), except when stderr is the
 * systemd journal, which stamps lines itself ({@link JournalStream}).
 */
final class Logging {
    private Logging() {
    }

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final boolean STAMPED = !JournalStream.isStderr();

    private static volatile Level configured = Level.INFO;

    /**
     * Stay at WARNING even with --verbose: third-party libraries, and the JDK's
     * Runtime, which logs every exit with a stack trace at DEBUG. Held here
     * because java.util.logging holds loggers weakly: one collected forgets its
     * level, and the next exit after a garbage collection would print its trace.
     */
    private static final List<Logger> QUIETED = List.of(Logger.getLogger("io.prometheus"),
            Logger.getLogger("com.sun.net.httpserver"), Logger.getLogger("java.lang.Runtime"));

    static void configure(Level level) {
        configured = level;
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        ConsoleHandler stderr = new ConsoleHandler(); // writes to System.err
        stderr.setLevel(level);
        stderr.setFormatter(new OneLine(level.intValue() <= Level.FINE.intValue()));
        root.addHandler(stderr);
        root.setLevel(level);
        QUIETED.forEach(logger -> logger.setLevel(Level.WARNING));
    }

    /** "xdp-ip-counter: message", with the level when it is not INFO. */
    private static final class OneLine extends Formatter {
        private final boolean traces;

        OneLine(boolean traces) {
            this.traces = traces;
        }

        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(prefix(record.getInstant()));
            if (record.getLevel() != Level.INFO) {
                line.append(record.getLevel() == Level.SEVERE ? "error" : record.getLevel().getName().toLowerCase(Locale.ROOT))
                        .append(": ");
            }
            line.append(formatMessage(record));
            Throwable thrown = record.getThrown();
            if (thrown != null) {
                line.append(": ").append(thrown);
                if (traces) {
                    StringWriter trace = new StringWriter();
                    thrown.printStackTrace(new PrintWriter(trace));
                    line.append(System.lineSeparator()).append(trace);
                }
            }
            return line.append(System.lineSeparator()).toString();
        }
    }

    /**
     * An INFO line straight to stderr, for shutdown hooks: java.util.logging
     * resets its handlers in a hook of its own, which may run first.
     */
    static void noteDirectly(String message) {
        if (configured.intValue() <= Level.INFO.intValue()) {
            System.err.println(prefix(Instant.now()) + message);
            System.err.flush();
        }
    }

    /** For errors printed before or outside logging. */
    static void error(PrintStream err, String message) {
        err.println(prefix(Instant.now()) + "error: " + message);
        err.flush();
    }

    /** "2026-11-27T18:04:22.123Z xdp-ip-counter: ", or without the time under the journal. */
    static String prefix(Instant now) {
        return prefix(now, STAMPED);
    }

    static String prefix(Instant now, boolean stamped) {
        return (stamped ? STAMP.format(now) + " " : "") + Main.NAME + ": ";
    }
}
