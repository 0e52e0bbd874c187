package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

import io.github.xdpipcounter.testing.Commands;

/**
 * What a running JVM uses, seen from outside it: live heap after a full
 * collection (through jcmd, which attaches to a JVM in a test namespace as
 * well: the namespace changes the network, not the processes or /tmp),
 * resident memory and CPU time (from /proc).
 */
final class ProcessUsage {
    private static final String JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    private static final Duration JCMD_LIMIT = Duration.ofSeconds(20);
    /** The histogram's last line: "Total  instances  bytes". */
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
    private static final int TOP_CLASSES = 8;
    private static final Pattern RESIDENT = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB$");
    private static final long CLOCK_TICKS_PER_SECOND = Long.parseLong(
            Commands.run(Duration.ofSeconds(5), "getconf", "CLK_TCK").strip());

    private final long pid;

    ProcessUsage(long pid) {
        this.pid = pid;
    }

    /**
     * The live heap: what a full collection leaves, from {@code jcmd
     * GC.class_histogram}, which collects and counts in one safepoint. Not
     * {@code GC.run} then {@code GC.heap_info}: the heap in use grows again
     * between the two calls, and a window completed in between once showed
     * 73 MB of its garbage as "used" on a loaded machine.
     */
    LiveHeap liveHeap() {
        String histogram = Commands.run(JCMD_LIMIT, JCMD, Long.toString(pid), "GC.class_histogram");
        Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
        if (!m.find()) {
            throw new IllegalStateException("no total in the class histogram of " + pid + ":\n" + histogram);
        }
        String top = histogram.lines().skip(1).limit(2 + TOP_CLASSES).collect(Collectors.joining("\n"));
        return new LiveHeap(Long.parseLong(m.group(1)), top);
    }

    /** @param top the histogram's head: the classes that take the most */
    record LiveHeap(long bytes, String top) {
        @Override
        public String toString() {
            return "%.1f MiB live; largest classes:%n%s".formatted(bytes / (1024.0 * 1024), top);
        }
    }

    /** Resident set size, in bytes. */
    long residentBytes() throws IOException {
        String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
        Matcher m = RESIDENT.matcher(status);
        if (!m.find()) {
            throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** User plus system CPU time of all the process's threads so far. */
    Duration cpuTime() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // Fields after the command name (which may hold spaces), from field 3 (state) on: utime is 14, stime 15.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
        return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
    }
}
