package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.core.bpf.BpfMap.ReadStrategy;
import io.github.xdpipcounter.core.internal.layout.XicFlood;
import io.github.xdpipcounter.core.internal.layout.XicKeyLayout;
import io.github.xdpipcounter.core.internal.layout.XicOverflowLayout;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * Sets the program's recorded-keys filter of a full generation (see
 * {@code struct xic_recorded}): a few bits per record key in one word, so that the program
 * can tell most keys without a record by one bit test instead of a hash
 * lookup that misses, the costliest step of a flood. A full generation's
 * records no longer change, so the filter is set once, from userspace, off
 * the packet path: the program pays nothing for it while the generation has
 * room. Until it is set the program looks every key up, as before.
 */
final class RecordedKeysFilter {
    private static final int WORDS = XicOverflowLayout.RECORDED_SIZE / Long.BYTES;
    private static final int READ_CHUNK = 8192;

    private final BpfMap recorded;
    private final XicFlood flood;
    /** The bits set so far, by slot: both networks share a slot's filter. Null while none are. */
    private final long[][] bySlot = new long[2][];

    RecordedKeysFilter(BpfMap recorded, XicFlood flood) {
        this.recorded = recorded;
        this.flood = flood;
    }

    /**
     * Sets the filter for each network whose generation of {@code slot} became
     * full since the last call. The caller serialises this with the flip.
     *
     * @param generations the slot's generation of each network, by {@link Network#ordinal()}
     */
    void update(int slot, BpfMap[] generations) {
        for (Network network : Network.values()) {
            int n = network.ordinal();
            if (!flood.full(slot, n) || flood.filtered(slot, n)) {
                continue;
            }
            long[] words = bySlot[slot] == null ? (bySlot[slot] = new long[WORDS]) : bySlot[slot];
            XicKeyLayout key = SourceTable.keyLayout(network);
            generations[n].readAll(ReadStrategy.BATCH, false, READ_CHUNK, (keys, values, count) -> {
                for (int i = 0; i < count; i++) {
                    long at = (long) i * key.size();
                    long[] hash = MurmurHash3.hash(keys.asSlice(at + key.saddr(), network.addressLength()),
                            XicOverflowLayout.SEED);
                    int row = Short.toUnsignedInt(keys.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + key.port()))
                            | Byte.toUnsignedInt(keys.get(ValueLayout.JAVA_BYTE, at + key.transport())) << 16 | n << 24;
                    words[word(hash[0], row)] |= mask(hash[1]);
                }
            });
            write(slot, words);
            // After the bits: the program reads the flag, then the bits.
            flood.markFiltered(slot, n);
        }
    }

    /** Empties the filter of {@code slot}, which nothing reads: its generation ended and is being emptied. */
    void reset(int slot) {
        if (bySlot[slot] != null) {
            write(slot, new long[WORDS]);
            bySlot[slot] = null;
        }
    }

    /** The program's word of a key: see {@code struct xic_recorded}. */
    private static int word(long h1, int row) {
        return ((int) (h1 >>> 32) ^ row * 0x9e3779b1) & (WORDS - 1);
    }

    /** The program's bits of a key in its word. */
    private static long mask(long h2) {
        long mask = 0;
        for (int i = 0; i < XicOverflowLayout.RECORDED_PROBES; i++) {
            mask |= 1L << ((h2 >>> (6 * i)) & 63);
        }
        return mask;
    }

    private void write(int slot, long[] words) {
        try (Arena arena = Arena.ofConfined()) {
            recorded.update(arena.allocateFrom(ValueLayout.JAVA_INT, slot), arena.allocateFrom(ValueLayout.JAVA_LONG, words));
        }
    }
}
