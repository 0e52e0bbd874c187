package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.testing.RequiresRoot;
import io.github.xdpipcounter.testing.TwoHosts;
import io.github.xdpipcounter.testing.Exposition;

import static io.github.xdpipcounter.cli.PeerTraffic.DATAGRAMS;
import static io.github.xdpipcounter.cli.PeerTraffic.TCP_PORT;
import static io.github.xdpipcounter.cli.PeerTraffic.UDP_PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The built jar's windows across steps of its wall clock and stalls of its
 * process. Its wall clock is shifted by {@link ShiftedWallClock} (the host's
 * never moves); its process is stopped with SIGSTOP while the XDP program
 * goes on counting. After each: no window lost (the {@code -v} log numbers
 * them without a gap, {@code xdp_ipc_windows_total} goes up by one per
 * window), /metrics shows the window that followed with exactly the traffic
 * sent into it, and no window is shorter than half the configured length or
 * stretched by a step; only the window that closes when a stalled process
 * wakes up is long, and it covers the stall. Each test runs its own tool
 * between its own hosts: a tool left frozen by one cannot fail the next.
 */
@RequiresRoot
class WallClockAndStallIT {
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final Duration HALF_WINDOW = WINDOW.dividedBy(2);
    /** How long the next window may take to reach /metrics: after a wake-up it is due at once, otherwise within 1.5 windows. */
    private static final Duration WINDOW_LIMIT = WINDOW.multipliedBy(5);
    /** An ordinary window runs one length, late by a loaded machine's scheduling at most: far below any step here. */
    private static final Duration ORDINARY_WINDOW_LIMIT = WINDOW.multipliedBy(2);
    /** Between a wall-clock read and the monotonic read next to it, in one flip of the tool. */
    private static final double SAME_FLIP_SECONDS = 0.5;
    private static final String WINDOWS_TOTAL = "xdp_ipc_windows_total";
    private static final String LAST_END = "xdp_ipc_last_window_end_timestamp_seconds";
    /** What Service logs per window with -v (see WindowSummary). */
    private static final Pattern WINDOW_LINE =
            Pattern.compile("window (\\d+) \\((\\S+) to (\\S+), [0-9.]+ s\\): ([0-9,]+) sources \\([^)]*\\) on [0-9,]+ ports; ([0-9,]+) packets ");

    /** One window as the tool logged it: its wall-clock labels, and its length on the monotonic clock. */
    private record Logged(long sequence, Instant start, Instant end, int sources, long packets) {
        Duration length() {
            return Duration.between(start, end);
        }
    }

    @Test
    void aStepBackOfTenMinutesLosesNoWindowAndMetricsMoveOn() throws Exception {
        try (ClockedTool run = ClockedTool.start()) {
            stepWhileCounting(run, Duration.ofMinutes(-10));
        }
    }

    @Test
    void aStepForwardOfAnHourLosesNoWindowAndMakesNoGiantWindow() throws Exception {
        try (ClockedTool run = ClockedTool.start()) {
            stepWhileCounting(run, Duration.ofHours(1));
        }
    }

    /**
     * Stopped for three windows and a quarter: it wakes a quarter window
     * after a boundary, closes the long window at once, and the next window
     * runs to the next boundary, three quarters of a window away.
     */
    @Test
    void aStallOfThreeWindowsEndsInOneLongWindowThenWindowsRunOnSchedule() throws Exception {
        try (ClockedTool run = ClockedTool.start()) {
            stallWhileCounting(run, WINDOW.multipliedBy(13).dividedBy(4));
        }
    }

    /**
     * Stopped for three windows and three quarters: it wakes a quarter window
     * before a boundary; a window closed there would last a quarter window,
     * so the next one runs on to the boundary after it. The wall clock is
     * stepped back first: a stall after a step is timed the same.
     */
    @Test
    void aStallEndingJustBeforeABoundaryMakesNoShortWindow() throws Exception {
        try (ClockedTool run = ClockedTool.start()) {
            run.clock.step(Duration.ofMinutes(-10));
            stallWhileCounting(run, WINDOW.multipliedBy(15).dividedBy(4));
        }
    }

    /**
     * Steps the tool's wall clock right after window 1 completes and sends
     * traffic in window 2; windows 2 and 3 are exposed, and every window
     * around the step lasts one length.
     */
    private static void stepWhileCounting(ClockedTool run, Duration step) throws Exception {
        Map<String, Double> before = run.awaitWindow(1);
        run.clock.step(step);
        PeerTraffic.send(run.hosts);
        Map<String, Double> stepped = run.awaitWindow(2);
        Map<String, Double> after = run.awaitWindow(3);

        List<Logged> logged = run.loggedWindows(3);
        Logged last = logged.get(0);
        Logged during = logged.get(1);
        Logged next = logged.get(2);
        report("step of %s: window #1 %.3f s, #2 (the step in it) %.3f s, #3 %.3f s; labels moved by %.3f s",
                step, seconds(last.length()), seconds(during.length()), seconds(next.length()),
                seconds(Duration.between(last.end(), during.start())));
        // Window 1 began at load, before the schedule started: it may be a little longer than the others.
        for (Logged window : List.of(last, during, next)) {
            assertThat(window.length()).as("length of window #%d", window.sequence())
                    .isBetween(HALF_WINDOW, ORDINARY_WINDOW_LIMIT);
        }
        // The labels of the window the step fell in and after it move by the step, and only them.
        assertThat(seconds(Duration.between(last.end(), during.start()))).as("labels moved by")
                .isCloseTo(seconds(step), within(SAME_FLIP_SECONDS));
        assertThat(seconds(Duration.between(during.end(), next.start()))).as("gap between windows #2 and #3")
                .isCloseTo(0.0, within(SAME_FLIP_SECONDS));

        assertCountedOnce(before, stepped, during);
        assertIdle(stepped, after, next);
        // The gauge follows the shifted wall clock: the end of the window the step fell in, as logged.
        assertThat(stepped.get(LAST_END)).isCloseTo(epochSeconds(during.end()), within(0.001));
        assertThat(stepped.get(LAST_END) - before.get(LAST_END)).as("last window end moved by")
                .isCloseTo(seconds(step) + seconds(during.length()), within(SAME_FLIP_SECONDS));
        assertThat(after.get(LAST_END)).isCloseTo(epochSeconds(next.end()), within(0.001));
    }

    /**
     * Stops the tool right after window 1 completes, for {@code stall} from
     * that window's end; traffic sent meanwhile is counted by XDP all the
     * same and lands in window 2, which closes at wake-up.
     */
    private static void stallWhileCounting(ClockedTool run, Duration stall) throws Exception {
        Map<String, Double> before = run.awaitWindow(1);
        // When window 1 ended, on this process's wall clock (the host's).
        Instant firstEnded = run.loggedWindows(1).getFirst().end().minus(run.clock.offset());
        Instant stoppedAt;
        Instant continuedAt;
        run.tool.signal("STOP");
        try {
            stoppedAt = Instant.now();
            PeerTraffic.send(run.hosts);
            Duration left = Duration.between(Instant.now(), firstEnded.plus(stall));
            if (left.isPositive()) {
                Thread.sleep(left);
            }
            continuedAt = Instant.now();
        } finally {
            run.tool.signal("CONT");
        }
        Map<String, Double> woke = run.awaitWindow(2);
        Map<String, Double> next = run.awaitWindow(3);

        List<Logged> logged = run.loggedWindows(3);
        Logged wake = logged.get(1);
        Logged following = logged.get(2);
        report("stall of %.3f s (SIGSTOP %.3f s after window #1 ended): window #2 %.3f s, then #3 %.3f s",
                seconds(Duration.between(stoppedAt, continuedAt)), seconds(Duration.between(firstEnded, stoppedAt)),
                seconds(wake.length()), seconds(following.length()));
        // The window that closes at wake-up covers the whole stall (times on the tool's wall clock).
        assertThat(wake.start()).as("window #2 start").isBeforeOrEqualTo(stoppedAt.plus(run.clock.offset()));
        assertThat(wake.end()).as("window #2 end").isAfterOrEqualTo(continuedAt.plus(run.clock.offset()));
        assertThat(wake.length()).isGreaterThanOrEqualTo(Duration.between(stoppedAt, continuedAt));
        // A catch-up burst would show here first: windows of milliseconds, one per missed boundary.
        assertThat(following.length()).as("length of window #3, after the stall").isBetween(HALF_WINDOW, ORDINARY_WINDOW_LIMIT);
        assertCountedOnce(before, woke, wake);
        assertIdle(woke, next, following);
    }

    /** What sendFromPeer sent, exactly, in the window whose scrape is {@code counted}, and nothing more since {@code before}. */
    private static void assertCountedOnce(Map<String, Double> before, Map<String, Double> counted, Logged window) {
        PeerTraffic.assertActive(counted);
        for (String network : PeerTraffic.NETWORKS) {
            assertThat(packets(counted, network, "UDP", UDP_PORT) - packets(before, network, "UDP", UDP_PORT))
                    .as("%s UDP packets counted in window #%d", network, window.sequence()).isEqualTo(3.0 * DATAGRAMS);
            assertThat(packets(counted, network, "TCP", TCP_PORT) - packets(before, network, "TCP", TCP_PORT))
                    .as("%s TCP packets counted in window #%d", network, window.sequence()).isEqualTo(3.0);
        }
        // 3 + 3 sources, each seen on both ports.
        assertThat(window.sources()).as("sources of window #%d", window.sequence()).isEqualTo(12);
        assertThat(window.packets()).as("packets of window #%d", window.sequence()).isEqualTo(6L * (DATAGRAMS + 1));
    }

    /** The window after the traffic saw none: zero sources, counters where they were. */
    private static void assertIdle(Map<String, Double> counted, Map<String, Double> idle, Logged window) {
        PeerTraffic.assertIdle(idle);
        for (String network : PeerTraffic.NETWORKS) {
            assertThat(packets(idle, network, "UDP", UDP_PORT)).isEqualTo(packets(counted, network, "UDP", UDP_PORT));
        }
        assertThat(window.sources()).as("sources of window #%d", window.sequence()).isZero();
    }

    /**
     * The jar with a wall clock of its own, in the counter namespace of two
     * fresh hosts, logging every window. Closing kills it, then removes the
     * namespaces, whatever happened.
     */
    private static final class ClockedTool implements AutoCloseable {
        final TwoHosts hosts;
        final ShiftedWallClock clock;
        final ToolProcess tool;

        private ClockedTool(TwoHosts hosts, ShiftedWallClock clock, ToolProcess tool) {
            this.hosts = hosts;
            this.clock = clock;
            this.tool = tool;
        }

        static ClockedTool start() throws Exception {
            TwoHosts hosts = TwoHosts.create();
            ShiftedWallClock clock = null;
            ToolProcess tool = null;
            try {
                clock = ShiftedWallClock.create();
                tool = ToolProcess.start(hosts.counter.name(), clock.envPrefix(), "--iface", hosts.counterInterface,
                        "--ports", PeerTraffic.PORTS, "--window", WINDOW.toSeconds() + "s", "-v");
                tool.awaitStartup();
                return new ClockedTool(hosts, clock, tool);
            } catch (Exception | Error e) {
                try {
                    closeAll(hosts, clock, tool);
                } catch (Exception | Error closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
        }

        /**
         * Polls /metrics until window {@code sequence} has completed; the
         * scrape must show exactly that many windows, so that none went by unseen.
         */
        Map<String, Double> awaitWindow(long sequence) throws Exception {
            long deadline = System.nanoTime() + WINDOW_LIMIT.toNanos();
            Double done = null;
            while (System.nanoTime() < deadline) {
                Map<String, Double> samples = Exposition.samples(Http.get(hosts.counter, Scrapes.METRICS).body());
                done = samples.get(WINDOWS_TOTAL);
                if (done != null && done >= sequence) {
                    assertThat(done).as("windows completed").isEqualTo((double) sequence);
                    return samples;
                }
                Thread.sleep(25);
            }
            throw new AssertionError("window #" + sequence + " did not reach /metrics within " + WINDOW_LIMIT.toSeconds()
                    + " s (" + WINDOWS_TOTAL + " " + done + "); output:\n" + String.join("\n", tool.output()));
        }

        /** The windows the tool logged, checked to be numbered 1, 2, 3... without a gap or a repeat, through {@code through}. */
        List<Logged> loggedWindows(long through) throws InterruptedException {
            tool.awaitLine(line -> line.contains("window " + through + " ("), Duration.ofSeconds(5));
            List<Logged> windows = new ArrayList<>();
            for (String line : tool.output()) {
                Matcher m = WINDOW_LINE.matcher(line);
                if (m.find()) {
                    windows.add(new Logged(Long.parseLong(m.group(1)), Instant.parse(m.group(2)), Instant.parse(m.group(3)),
                            Integer.parseInt(m.group(4).replace(",", "")), Long.parseLong(m.group(5).replace(",", ""))));
                }
            }
            for (int i = 0; i < windows.size(); i++) {
                assertThat(windows.get(i).sequence()).as("window logged in place %d; windows %s", i + 1, windows)
                        .isEqualTo(i + 1);
            }
            assertThat(windows.size()).isGreaterThanOrEqualTo((int) through);
            return windows;
        }

        /**
         * Stops the tool with SIGTERM, then removes the clock's file and the
         * namespaces (killing the tool if it is still there), whatever
         * happened; checks that it ran, and stopped, saying nothing but its
         * start-up line and its windows.
         */
        @Override
        public void close() throws IOException {
            boolean alive = tool.alive();
            int exit;
            try {
                tool.terminate();
                exit = tool.awaitExit(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                // Not an InterruptedException from close(): try-with-resources would swallow the interrupt.
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while stopping the tool", e);
            } finally {
                closeAll(hosts, clock, tool);
            }
            List<String> output = tool.output();
            assertThat(alive).as("tool alive at the end; output %s", output).isTrue();
            assertThat(exit).as("exit code after SIGTERM").isZero();
            String stopped = "xdp-ip-counter: detached and stopped";
            assertThat(output).as("output").allMatch(line -> ToolProcess.isStartupLine(line)
                    || WINDOW_LINE.matcher(line).find() || line.equals(stopped)).last().isEqualTo(stopped);
        }

        private static void closeAll(TwoHosts hosts, ShiftedWallClock clock, ToolProcess tool) throws IOException {
            try {
                if (tool != null) {
                    tool.close();
                }
            } finally {
                try {
                    if (clock != null) {
                        clock.close();
                    }
                } finally {
                    hosts.close();
                }
            }
        }
    }

    private static double packets(Map<String, Double> samples, String network, String transport, int port) {
        return samples.getOrDefault(Exposition.series("xdp_ipc_packets_total", network, transport, port), 0.0);
    }

    private static double epochSeconds(Instant instant) {
        return instant.getEpochSecond() + instant.getNano() / 1e9;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    /** The figures this class measures, on the test's output. */
    private static void report(String format, Object... args) {
        System.out.println("WallClockAndStallIT: " + format.formatted(args));
    }
}
