package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.core.internal.layout.XicFlood;
import io.github.xdpipcounter.core.internal.layout.XicOverflowLayout;

/**
 * Reads what an ended generation could not record, and resets that
 * generation's overflow state (the full flags, the rows' sketches, the
 * spill and its rows) before the program uses the slot again. Called by
 * {@link Generations} after the flip that ended the slot, when no program
 * run writes it.
 */
final class OverflowReader {
    private final BpfMap rows;
    private final BpfMap spill;
    private final BpfMap spilledRows;
    private final XicFlood flood;

    OverflowReader(BpfMap rows, BpfMap spill, BpfMap spilledRows, XicFlood flood) {
        this.rows = rows;
        this.spill = spill;
        this.spilledRows = spilledRows;
        this.flood = flood;
    }

    /** The overflow of generation {@code slot}, which is then reset. */
    Overflow drain(int slot) {
        boolean[] full = {flood.full(slot, 0), flood.full(slot, 1)};
        Map<Long, Overflow.Row> lost = new HashMap<>();
        if (flood.overflowed(slot)) {
            // The slot's own entries of the array (the other slot's are being written): each taken one is
            // read, then freed. Only a window whose rows took entries pays for these 2,048 reads.
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
                MemorySegment value = arena.allocate(XicOverflowLayout.SIZE, 8);
                MemorySegment free = arena.allocate(XicOverflowLayout.SIZE, 8);
                for (int i = 0; i < XicOverflowLayout.ROWS; i++) {
                    key.set(ValueLayout.JAVA_INT, 0, slot * XicOverflowLayout.ROWS + i);
                    if (!rows.lookup(key, value) || !XicOverflowLayout.taken(value)) {
                        continue;
                    }
                    Network network = Network.values()[XicOverflowLayout.network(value)];
                    lost.put(PortTally.key(network, XicOverflowLayout.transport(value), XicOverflowLayout.port(value)),
                            row(value));
                    rows.update(key, free);
                }
            }
        }
        Overflow.Row spilled;
        BitSet spilledKeys = new BitSet();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, slot);
            MemorySegment value = arena.allocate(XicOverflowLayout.SIZE, 8);
            spill.lookup(key, value);
            spilled = XicOverflowLayout.packets(value) == 0 ? null : row(value);
            if (spilled != null) {
                spill.update(key, arena.allocate(XicOverflowLayout.SIZE, 8));
                MemorySegment bits = arena.allocate(XicOverflowLayout.SPILLED_ROWS_SIZE, 8);
                spilledRows.lookup(key, bits);
                spilledKeys = BitSet.valueOf(bits.toArray(ValueLayout.JAVA_LONG));
                spilledRows.update(key, arena.allocate(XicOverflowLayout.SPILLED_ROWS_SIZE, 8));
            }
        }
        flood.clear(slot);
        return full[0] || full[1] || !lost.isEmpty() || spilled != null
                ? new Overflow(full, Collections.unmodifiableMap(lost), spilled, spilledKeys) : Overflow.NONE;
    }

    private static Overflow.Row row(MemorySegment value) {
        return new Overflow.Row(XicOverflowLayout.packets(value), XicOverflowLayout.bytes(value),
                new SourceSketch(XicOverflowLayout.registers(value)));
    }
}
