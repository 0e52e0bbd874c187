package io.github.xdpipcounter.core;

import java.util.Map;
import java.util.BitSet;
import java.util.stream.LongStream;

/**
 * What one window's generations could not record: whether each network's
 * generation was full, and per row (packed by {@link PortTally#key}) the
 * packets, bytes and sketch of the sources that found no room; rows beyond
 * the program's budget of sketches share {@code spill}.
 *
 * @param full        by {@link Network#ordinal()}: the generation refused a record
 * @param rows        the rows that lost sources
 * @param spill       the rows beyond the budget, together; null when there were none
 * @param spilledRows which rows those were: bit (network * transports + transport) * 65,536 + port,
 *                    as the program sets them (struct xic_spilled_rows)
 */
record Overflow(boolean[] full, Map<Long, Row> rows, Row spill, BitSet spilledRows) {
    /** Nothing overflowed. */
    static final Overflow NONE = new Overflow(new boolean[2], Map.of(), null, new BitSet());
    private static final int ROWS_PER_NETWORK = Transport.values().length * 65_536;

    /** Whether the row (packed by {@link PortTally#key}) spilled. */
    boolean spilled(long key) {
        return spilledRows.get(bit(key));
    }

    /** The spilled rows, packed by {@link PortTally#key}. */
    LongStream spilledKeys() {
        return spilledRows.stream().mapToLong(bit -> PortTally.key(Network.values()[bit / ROWS_PER_NETWORK],
                (bit % ROWS_PER_NETWORK) >>> 16, bit & 0xffff));
    }

    private static int bit(long key) {
        int network = (int) (key >>> 32);
        int transport = (int) (key >>> 16) & 0xffff;
        return network * ROWS_PER_NETWORK + transport * 65_536 + (int) (key & 0xffff);
    }

    /**
     * @param packets  packets of sources without a record
     * @param bytes    their bytes
     * @param sketch   their addresses
     */
    record Row(long packets, long bytes, SourceSketch sketch) {
    }

    /** Whether any source found no room. */
    boolean any() {
        return full[0] || full[1] || !rows.isEmpty() || spill != null;
    }
}
