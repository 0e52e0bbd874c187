package io.github.xdpipcounter.core;

import java.util.Map;
import java.util.Set;

/**
 * What one window's generations could not record: whether each network's
 * generation was full, and per row (packed by {@link PortTally#key}) the
 * packets, bytes and sketch of the sources that found no room; rows beyond
 * the program's budget of sketches share {@code spill}.
 *
 * @param full        by {@link Network#ordinal()}: the generation refused a record
 * @param rows        the rows that lost sources
 * @param spill       the rows beyond the budget, together; null when there were none
 * @param spilledRows which rows those were
 */
record Overflow(boolean[] full, Map<Long, Row> rows, Row spill, Set<Long> spilledRows) {
    /** Nothing overflowed. */
    static final Overflow NONE = new Overflow(new boolean[2], Map.of(), null, Set.of());

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
