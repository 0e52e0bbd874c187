package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.internal.layout.XicKeyLayout;
import io.github.xdpipcounter.core.internal.layout.XicRecordLayout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table's builder sums each chunk as it arrives: the sums must be those of
 * its sources decoded one by one, whatever the chunks.
 */
class SourceTableTest {
    private static final long START = 5_000_000_000L;
    private static final long END = 65_000_000_000L;

    @Test
    void theSumsOfChunksAreTheSumsOfTheirSourcesDecodedOneByOne() {
        SplittableRandom random = new SplittableRandom(11);
        SourceTable.Builder builder = new SourceTable.Builder(Network.IPV4, 0, START, END);
        XicKeyLayout key = SourceTable.keyLayout(Network.IPV4);
        int address = 0x0a000000;
        try (Arena arena = Arena.ofConfined()) {
            // Chunks of uneven sizes, as the kernel hands them over, with the arrays growing between them.
            for (int chunk : new int[] {1, 5000, 8192, 3, 1200}) {
                MemorySegment keys = arena.allocate((long) chunk * key.size());
                MemorySegment records = arena.allocate((long) chunk * XicRecordLayout.SIZE);
                for (int i = 0; i < chunk; i++) {
                    byte[] saddr = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
                    address++;
                    Transport transport = Transport.values()[random.nextInt(Transport.values().length)];
                    // A few ports, runs of one port: the tally's last-key shortcut and its misses.
                    int port = random.nextInt(4) == 0 ? random.nextInt(65_536) : 443 + random.nextInt(3);
                    key.write(keys.asSlice((long) i * key.size(), key.size()), saddr, port, transport.code());
                    // Counts past 32 bits of packets and of bytes: the wraps and carries the program keeps.
                    long packets = 1 + (random.nextInt(50) == 0 ? random.nextLong(1L << 40) : random.nextInt(1000));
                    long bytes = packets * 60 + (random.nextInt(50) == 0 ? random.nextLong(1L << 45) : 0);
                    long first = random.nextInt(20) == 0 ? START - 1 : START + random.nextLong(END - START);
                    long last = random.nextInt(20) == 0 ? END + 1 : Math.max(first, START) + random.nextLong(END - Math.max(first, START));
                    XicRecordLayout.write(records.asSlice((long) i * XicRecordLayout.SIZE, XicRecordLayout.SIZE),
                            packets, bytes, first, last);
                }
                builder.append(keys, records, chunk);
            }
        }
        SourceTable table = builder.build();
        assertThat(table.count()).isEqualTo(1 + 5000 + 8192 + 3 + 1200);

        long packets = 0;
        long bytes = 0;
        long outside = 0;
        Map<Long, long[]> rows = new HashMap<>();
        for (int i = 0; i < table.count(); i++) {
            packets += table.packets(i);
            bytes += table.bytes(i);
            if (table.firstSeenNanos(i) < START || table.lastSeenNanos(i) > END) {
                outside++;
            }
            long[] row = rows.computeIfAbsent(table.portKey(i), k -> new long[3]);
            row[0]++;
            row[1] += table.packets(i);
            row[2] += table.bytes(i);
        }
        assertThat(outside).isPositive();
        assertThat(table.packets()).isEqualTo(packets);
        assertThat(table.bytes()).isEqualTo(bytes);
        assertThat(table.timedOutside(START, END)).isEqualTo(outside);
        assertThat(table.timedOutside(START - 2, END + 2)).as("wider bounds than its builder's").isZero();

        Window window = new Window(1, Instant.EPOCH, START, END, table,
                new SourceTable.Builder(Network.IPV6, 0, START, END).build(), new Statistics(new long[IgnoreReason.values().length], 0));
        assertThat(window.countedPackets()).isEqualTo(packets);
        assertThat(window.countedBytes()).isEqualTo(bytes);
        assertThat(window.sourcesTimedOutsideWindow()).isEqualTo(outside);
        assertThat(window.portActivity()).hasSize(rows.size());
        for (PortActivity activity : window.portActivity()) {
            long[] row = rows.get(PortTally.key(activity.network(), activity.transport(), activity.port()));
            assertThat(new long[] {activity.uniqueSources(), activity.packets(), activity.bytes()})
                    .as("%s", activity).containsExactly(row);
        }
    }
}
