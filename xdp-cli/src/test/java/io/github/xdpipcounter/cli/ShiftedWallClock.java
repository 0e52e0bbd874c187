package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

/**
 * A wall clock for child processes that a test steps back and forward while
 * they run, as an NTP step, {@code date -s} or a VM restore would, without
 * touching the host's clock: the LD_PRELOAD shim src/test/c/shift_wall_clock.c
 * adds this object's offset to every wall-clock read of a process started
 * with {@link #envPrefix()} (System.currentTimeMillis, Instant.now, date).
 * Monotonic clocks (System.nanoTime) do not move, nor does this JVM's clock.
 *
 * <p>The offset lives in an 8-byte file that both sides map: the shim reads
 * it on every call, so a change is seen at the child's next clock read.
 */
final class ShiftedWallClock implements AutoCloseable {
    static final String OFFSET_FILE_VARIABLE = "XIC_WALL_CLOCK_OFFSET_FILE";
    /** Signed nanoseconds, little-endian at byte 0: what the shim reads. */
    private static final VarHandle OFFSET_NANOS =
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final Path library;
    private final Path directory;
    private final Path offsetFile;
    private final Arena arena;
    private final MemorySegment offset;

    private ShiftedWallClock(Path library, Path directory, Path offsetFile, Arena arena, MemorySegment offset) {
        this.library = library;
        this.directory = directory;
        this.offsetFile = offsetFile;
        this.arena = arena;
        this.offset = offset;
    }

    /** A clock not shifted yet (offset zero); builds the shim the first time. */
    static ShiftedWallClock create() throws IOException {
        Path library = TestCCompiler.sharedLibrary("shift_wall_clock");
        Path directory = Files.createTempDirectory("xic-wall-clock-");
        Path offsetFile = directory.resolve("offset");
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(offsetFile, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // Mapping read-write grows the file to 8 zero bytes: the shim maps no shorter file.
            MemorySegment offset = channel.map(FileChannel.MapMode.READ_WRITE, 0, Long.BYTES, arena);
            return new ShiftedWallClock(library, directory, offsetFile, arena, offset);
        } catch (IOException | RuntimeException e) {
            arena.close();
            Files.deleteIfExists(offsetFile);
            Files.deleteIfExists(directory);
            throw e;
        }
    }

    /**
     * {@code env LD_PRELOAD=… XIC_WALL_CLOCK_OFFSET_FILE=…}: put it before the
     * command, e.g. as the prefix of {@link ToolProcess#start(String, List, String...)}.
     */
    List<String> envPrefix() {
        return List.of("env", "LD_PRELOAD=" + library, OFFSET_FILE_VARIABLE + "=" + offsetFile);
    }

    /** How far the wall clock of the children is from the host's now. */
    Duration offset() {
        return Duration.ofNanos((long) OFFSET_NANOS.getVolatile(offset, 0L));
    }

    /** Shifts the children's wall clock to host time plus {@code offset}. */
    synchronized void set(Duration offset) {
        // One aligned 8-byte store: the shim never reads half of an old and half of a new value.
        OFFSET_NANOS.setVolatile(this.offset, 0L, offset.toNanos());
    }

    /** Steps the children's wall clock by {@code by} (negative: back), from wherever it is. */
    synchronized void step(Duration by) {
        set(offset().plus(by));
    }

    /** Unmaps and deletes the offset file; a child still running keeps its last offset. */
    @Override
    public void close() throws IOException {
        arena.close();
        Files.deleteIfExists(offsetFile);
        Files.deleteIfExists(directory);
    }
}
