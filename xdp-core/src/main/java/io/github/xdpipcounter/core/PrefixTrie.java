package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.core.internal.layout.XicPrefixLayout;

/**
 * One of the program's longest-prefix-match tries (one network), kept equal
 * to the entries userspace chooses: a block and a one-byte value each. It
 * remembers what it wrote, so a replacement touches only what changes.
 *
 * <p>A replacement is made while packets look the trie up, and never shows
 * a packet an answer that neither the old nor the new entries give. New and
 * changed entries are written first, longest prefix first: when a packet's
 * longest match is a new entry, every longer new entry that could match is
 * already there, so that entry is its longest new match; otherwise its match
 * is an old entry with every longer old one still present, so its longest old
 * match. Stale entries are then deleted, shortest prefix first: while a
 * packet's longest old match is still there, so is each shorter old one, and
 * once it is gone no old entry matches the packet at all. Between the two
 * phases the trie holds both sets, so it needs room for twice the entries
 * of one filter.
 */
final class PrefixTrie {
    private static final Comparator<AddressBlock> LONGEST_FIRST =
            Comparator.comparingInt(AddressBlock::prefixLength).reversed().thenComparing(Comparator.naturalOrder());

    private final BpfMap map;
    private final Network network;
    private final XicPrefixLayout layout;
    private final Map<AddressBlock, Byte> contents = new HashMap<>();

    PrefixTrie(BpfMap map, Network network) {
        this.map = map;
        this.network = network;
        this.layout = network == Network.IPV4 ? XicPrefixLayout.V4 : XicPrefixLayout.V6;
        if (map.keySize() != layout.size() || map.valueSize() != 1) {
            throw new IllegalArgumentException("BPF map " + map.name() + " is not an LPM trie of "
                    + network + " prefixes with one-byte values");
        }
    }

    Network network() {
        return network;
    }

    /** Makes the trie hold exactly {@code wanted}; see the class description for the order. */
    synchronized void replace(Map<AddressBlock, Byte> wanted) {
        for (AddressBlock block : wanted.keySet()) {
            if (block.network() != network) {
                throw new IllegalArgumentException(block + " is not an " + network + " block, for map " + map.name());
            }
        }
        List<AddressBlock> writes = new ArrayList<>();
        wanted.forEach((block, value) -> {
            if (!value.equals(contents.get(block))) {
                writes.add(block);
            }
        });
        List<AddressBlock> deletes = new ArrayList<>();
        for (AddressBlock block : contents.keySet()) {
            if (!wanted.containsKey(block)) {
                deletes.add(block);
            }
        }
        writes.sort(LONGEST_FIRST);
        deletes.sort(LONGEST_FIRST.reversed());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(layout.size(), 8);
            MemorySegment value = arena.allocate(1);
            for (AddressBlock block : writes) {
                layout.write(key, block.bytes(), block.prefixLength());
                value.set(ValueLayout.JAVA_BYTE, 0, wanted.get(block));
                map.update(key, value);
                contents.put(block, wanted.get(block));
            }
            for (AddressBlock block : deletes) {
                layout.write(key, block.bytes(), block.prefixLength());
                map.delete(key);
                contents.remove(block);
            }
        }
    }

    /** Empties the trie (shortest prefix first, as in a replacement). */
    void clear() {
        replace(Map.of());
    }

    /** The entries written, as the program sees them. */
    synchronized Map<AddressBlock, Byte> contents() {
        return Map.copyOf(contents);
    }
}
