package io.github.xdpipcounter.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The shim moves the wall clock of a child JVM and of C programs, back and
 * forward while they run; their monotonic clock, this JVM's clock and the
 * host's clock do not move. Unprivileged.
 */
class ShiftedWallClockTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** Room for a loaded machine between a child's clock read and ours. */
    private static final Duration SLACK = Duration.ofSeconds(5);
    /** Between two clocks read in one process, microseconds apart. */
    private static final long SAME_PROCESS_NANOS = Duration.ofMillis(50).toNanos();
    private static final List<String> WALL_CLOCKS =
            List.of("realtime", "realtime_coarse", "gettimeofday", "timespec_get", "time");
    private static final String PRINT_CLOCKS = """
            import java.time.Instant;

            /** Prints its clocks every 100 ms, for at most a minute of its monotonic clock. */
            public class PrintClocks {
                public static void main(String[] args) throws InterruptedException {
                    long end = System.nanoTime() + 60_000_000_000L;
                    while (System.nanoTime() < end) {
                        System.out.println("clocks " + Instant.now() + " " + System.currentTimeMillis() + " " + System.nanoTime());
                        Thread.sleep(100);
                    }
                }
            }
            """;

    /** One line of PrintClocks. */
    private record Reading(Instant wall, long millis, long nanoTime) {
        static Optional<Reading> parse(String line) {
            String[] fields = line.split(" ");
            if (fields.length != 4 || !fields[0].equals("clocks")) {
                return Optional.empty();
            }
            return Optional.of(new Reading(Instant.parse(fields[1]), Long.parseLong(fields[2]), Long.parseLong(fields[3])));
        }

        /** Wall clock minus monotonic clock: constant until the wall clock is stepped. */
        long wallLead() {
            return epochNanos(wall) - nanoTime;
        }

        long millisLead() {
            return millis * 1_000_000L - nanoTime;
        }
    }

    @Test
    void childJvmWallClockStepsBackAndForwardWhileItsNanoTimeRunsOn(@TempDir Path dir) throws Exception {
        Path program = dir.resolve("PrintClocks.java");
        Files.writeString(program, PRINT_CLOCKS);
        try (ShiftedWallClock clock = ShiftedWallClock.create()) {
            List<String> command = new ArrayList<>(clock.envPrefix());
            command.addAll(List.of(ToolProcess.JAVA, program.toString()));
            try (ToolProcess child = ToolProcess.startCommand(command)) {
                awaitReading(child, Duration.ZERO);

                clock.step(Duration.ofMinutes(-10));
                assertThat(clock.offset()).isEqualTo(Duration.ofMinutes(-10));
                awaitReading(child, Duration.ofMinutes(-10));

                clock.step(Duration.ofHours(1));
                assertThat(clock.offset()).isEqualTo(Duration.ofMinutes(50));
                Reading stepped = awaitReading(child, Duration.ofMinutes(50));
                child.awaitLine(line -> Reading.parse(line)
                        .filter(reading -> reading.nanoTime() > stepped.nanoTime() + 300_000_000L).isPresent(), LIMIT);
                child.kill();

                List<Reading> readings = child.output().stream().flatMap(line -> Reading.parse(line).stream()).toList();
                for (int i = 1; i < readings.size(); i++) {
                    long advance = readings.get(i).nanoTime() - readings.get(i - 1).nanoTime();
                    assertThat(advance).as("nanoTime advance at reading %d of %s", i, readings)
                            .isPositive().isLessThan(SLACK.toNanos());
                }
                assertThat(stepsInMinutes(readings.stream().map(Reading::wallLead).toList()))
                        .as("Instant.now() minus nanoTime, from the first reading, in whole minutes").containsExactly(0L, -10L, 50L);
                assertThat(stepsInMinutes(readings.stream().map(Reading::millisLead).toList()))
                        .as("currentTimeMillis minus nanoTime, from the first reading, in whole minutes").containsExactly(0L, -10L, 50L);
            }
        }
        // Neither this JVM's clock nor the host's moved.
        long hostNanos = Long.parseLong(run(List.of(), "date", "+%s%N"));
        assertThat(Instant.ofEpochSecond(0, hostNanos)).isCloseTo(Instant.now(), within(SLACK.toMillis(), ChronoUnit.MILLIS));
    }

    @Test
    void cProgramsReadEveryWallClockShiftedAndTheMonotonicClockNot() throws Exception {
        Path probe = TestCCompiler.executable("wall_clock_probe");
        try (ShiftedWallClock clock = ShiftedWallClock.create()) {
            clock.set(Duration.ofHours(1));
            long dateNanos = Long.parseLong(run(clock.envPrefix(), "date", "+%s%N"));
            assertThat(Instant.ofEpochSecond(0, dateNanos))
                    .isCloseTo(Instant.now().plus(Duration.ofHours(1)), within(SLACK.toMillis(), ChronoUnit.MILLIS));

            // Not a whole number of seconds, and negative: the nanoseconds borrow from the seconds.
            Duration offset = Duration.ofMinutes(-30).minusMillis(250);
            clock.set(offset);
            Map<String, Long> shifted = probe(clock.envPrefix(), probe);
            Map<String, Long> host = probe(List.of(), probe);
            for (String wallClock : WALL_CLOCKS) {
                // time() counts whole seconds.
                long tolerance = wallClock.equals("time") ? 1_000_000_000L + SAME_PROCESS_NANOS : SAME_PROCESS_NANOS;
                assertThat(lead(shifted, wallClock) - lead(host, wallClock)).as(wallClock)
                        .isCloseTo(offset.toNanos(), within(tolerance));
            }
            assertThat(shifted.get("monotonic")).isCloseTo(host.get("monotonic"), within(SLACK.toNanos()));

            List<String> preloadOnly = clock.envPrefix().subList(0, 2);
            List<String> missingFile = new ArrayList<>(preloadOnly);
            missingFile.add(ShiftedWallClock.OFFSET_FILE_VARIABLE + "=/nonexistent/offset");
            for (List<String> unshifted : List.of(preloadOnly, missingFile)) {
                Map<String, Long> clocks = probe(unshifted, probe);
                assertThat(lead(clocks, "realtime") - lead(host, "realtime")).as("%s", unshifted)
                        .isCloseTo(0L, within(SAME_PROCESS_NANOS));
            }
        }
    }

    /** Waits for a line whose wall clock is this JVM's plus {@code offset}. */
    private static Reading awaitReading(ToolProcess child, Duration offset) throws InterruptedException {
        String line = child.awaitLine(candidate -> Reading.parse(candidate)
                .filter(reading -> Duration.between(Instant.now().plus(offset), reading.wall()).abs().compareTo(SLACK) < 0)
                .isPresent(), LIMIT);
        return Reading.parse(line).orElseThrow();
    }

    /**
     * The levels a series of leads (wall minus monotonic) goes through, relative
     * to the first and in whole minutes, each once; fails when the lead drifts
     * between two readings of the same level, that is when the wall clock does
     * not run with the monotonic one between steps.
     */
    private static List<Long> stepsInMinutes(List<Long> leads) {
        List<Long> levels = new ArrayList<>();
        long minute = Duration.ofMinutes(1).toNanos();
        for (int i = 0; i < leads.size(); i++) {
            long level = Math.round((double) (leads.get(i) - leads.getFirst()) / minute);
            if (levels.isEmpty() || levels.getLast() != level) {
                levels.add(level);
            } else {
                assertThat(leads.get(i) - leads.get(i - 1)).as("drift between readings %d and %d", i - 1, i)
                        .isCloseTo(0L, within(Duration.ofMillis(250).toNanos()));
            }
        }
        return levels;
    }

    private static long lead(Map<String, Long> clocks, String wallClock) {
        return clocks.get(wallClock) - clocks.get("monotonic");
    }

    /** wall_clock_probe print: every clock in nanoseconds, read in one process. */
    private static Map<String, Long> probe(List<String> prefix, Path probe) throws Exception {
        Map<String, Long> clocks = new HashMap<>();
        for (String field : run(prefix, probe.toString(), "print").split(" ")) {
            String[] nameValue = field.split("=", 2);
            clocks.put(nameValue[0], Long.parseLong(nameValue[1]));
        }
        return clocks;
    }

    /** Runs a short command to its end; its only output line. */
    private static String run(List<String> prefix, String... command) throws Exception {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(List.of(command));
        try (ToolProcess process = ToolProcess.startCommand(full)) {
            assertThat(process.awaitExit(LIMIT)).as("exit of %s; output %s", full, process.output()).isZero();
            assertThat(process.output()).as("output of %s", full).hasSize(1);
            return process.output().getFirst();
        }
    }

    private static long epochNanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }
}
