package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Collections;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.core.bpf.BpfMap.ReadStrategy;
import io.github.xdpipcounter.core.internal.layout.XicFlood;
import io.github.xdpipcounter.core.internal.layout.XicOverflowLayout;

/**
 * Reads what an ended generation could not record, and resets that
 * generation's overflow state (the full flags, the rows' sketches and the
 * spill) before the program uses the slot again. Called by {@link Generations} after the flip that ended the slot,
 * when no program run writes it.
 */
final class OverflowReader {
    /** Entries are 4 KiB each, and a slot holds at most 1,024. */
    private static final int READ_CHUNK = 64;

    private final BpfMap[] rowsBySlot;
    private final BpfMap spill;
    private final BpfMap spilledRows;
    private final XicFlood flood;

    OverflowReader(BpfMap[] rowsBySlot, BpfMap spill, BpfMap spilledRows, XicFlood flood) {
        this.rowsBySlot = rowsBySlot.clone();
        this.spill = spill;
        this.spilledRows = spilledRows;
        this.flood = flood;
    }

    /** The overflow of generation {@code slot}, which is then reset. */
    Overflow drain(int slot) {
        boolean[] full = {flood.full(slot, 0), flood.full(slot, 1)};
        Map<Long, Overflow.Row> rows = new HashMap<>();
        rowsBySlot[slot].readAll(ReadStrategy.BATCH, true, READ_CHUNK, (keys, values, n) -> {
            for (int i = 0; i < n; i++) {
                MemorySegment row = keys.asSlice((long) i * XicOverflowLayout.ROW_SIZE, XicOverflowLayout.ROW_SIZE);
                MemorySegment value = values.asSlice((long) i * XicOverflowLayout.SIZE, XicOverflowLayout.SIZE);
                Network network = Network.values()[XicOverflowLayout.network(row)];
                rows.put(PortTally.key(network, XicOverflowLayout.transport(row), XicOverflowLayout.port(row)),
                        row(value));
            }
        });
        Overflow.Row spilled;
        Set<Long> spilledKeys = Set.of();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, slot);
            MemorySegment value = arena.allocate(XicOverflowLayout.SIZE, 8);
            spill.lookup(key, value);
            spilled = XicOverflowLayout.packets(value) == 0 ? null : row(value);
            if (spilled != null) {
                spill.update(key, arena.allocate(XicOverflowLayout.SIZE, 8));
                MemorySegment bits = arena.allocate(XicOverflowLayout.SPILLED_ROWS_SIZE, 8);
                spilledRows.lookup(key, bits);
                spilledKeys = rowKeys(bits);
                spilledRows.update(key, arena.allocate(XicOverflowLayout.SPILLED_ROWS_SIZE, 8));
            }
        }
        flood.clear(slot);
        return full[0] || full[1] || !rows.isEmpty() || spilled != null
                ? new Overflow(full, Collections.unmodifiableMap(rows), spilled, spilledKeys) : Overflow.NONE;
    }

    /** The rows of a struct xic_spilled_rows, packed by {@link PortTally#key}. */
    private static Set<Long> rowKeys(MemorySegment bits) {
        Set<Long> keys = new HashSet<>();
        BitSet set = BitSet.valueOf(bits.toArray(ValueLayout.JAVA_LONG));
        int perNetwork = Transport.values().length * 65_536;
        for (int bit = set.nextSetBit(0); bit >= 0; bit = set.nextSetBit(bit + 1)) {
            Network network = Network.values()[bit / perNetwork];
            keys.add(PortTally.key(network, (bit % perNetwork) >>> 16, bit & 0xffff));
        }
        return Collections.unmodifiableSet(keys);
    }

    private static Overflow.Row row(MemorySegment value) {
        return new Overflow.Row(XicOverflowLayout.packets(value), XicOverflowLayout.bytes(value),
                new SourceSketch(XicOverflowLayout.registers(value)));
    }
}
