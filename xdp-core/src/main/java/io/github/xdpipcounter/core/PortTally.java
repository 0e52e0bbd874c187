package io.github.xdpipcounter.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sums sources, packets and bytes per (network, transport, port) while a
 * window is built: an open-addressing table over primitive arrays, since a
 * boxed map costs more than the kernel read itself at a million sources.
 */
final class PortTally {
    private static final long EMPTY = -1;

    private long[] keys = newKeys(64);
    private long[] sources = new long[64];
    private long[] packets = new long[64];
    private long[] bytes = new long[64];
    private int size;
    /** The last key added and its slot: the sources of a chunk often share their port. */
    private long lastKey = EMPTY;
    private int lastSlot;

    private static long[] newKeys(int capacity) {
        long[] k = new long[capacity];
        Arrays.fill(k, EMPTY);
        return k;
    }

    /** Packs (network, transport code, port) into one long: the one place that knows how. */
    static long key(Network network, int transportCode, int port) {
        return ((long) network.ordinal() << 32) | ((long) transportCode << 16) | port;
    }

    static long key(Network network, Transport transport, int port) {
        return key(network, transport.code(), port);
    }

    void add(long key, long packetCount, long byteCount) {
        int slot = key == lastKey ? lastSlot : occupy(key);
        lastKey = key;
        lastSlot = slot;
        sources[slot]++;
        packets[slot] += packetCount;
        bytes[slot] += byteCount;
    }

    /** Adds every row of {@code other}. */
    void addAll(PortTally other) {
        for (int i = 0; i < other.keys.length; i++) {
            if (other.keys[i] != EMPTY) {
                int slot = occupy(other.keys[i]);
                sources[slot] += other.sources[i];
                packets[slot] += other.packets[i];
                bytes[slot] += other.bytes[i];
            }
        }
    }

    /** Packets and bytes of the row's sources that have no record. */
    void addTraffic(long key, long packetCount, long byteCount) {
        int slot = occupy(key);
        packets[slot] += packetCount;
        bytes[slot] += byteCount;
    }

    /** The key's slot, taken if it was free. */
    private int occupy(long key) {
        int slot = slot(keys, key);
        if (keys[slot] == EMPTY) {
            keys[slot] = key;
            if (++size * 2 > keys.length) {
                grow();
                slot = slot(keys, key);
            }
        }
        return slot;
    }

    private static int slot(long[] table, long key) {
        int mask = table.length - 1;
        int i = Long.hashCode(key * 0x9E3779B97F4A7C15L) & mask;
        while (table[i] != EMPTY && table[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldSources = sources;
        long[] oldPackets = packets;
        long[] oldBytes = bytes;
        int capacity = oldKeys.length * 2;
        lastKey = EMPTY;
        keys = newKeys(capacity);
        sources = new long[capacity];
        packets = new long[capacity];
        bytes = new long[capacity];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = slot(keys, oldKeys[i]);
                keys[slot] = oldKeys[i];
                sources[slot] = oldSources[i];
                packets[slot] = oldPackets[i];
                bytes[slot] = oldBytes[i];
            }
        }
    }

    List<PortActivity> activities() {
        List<PortActivity> list = new ArrayList<>(size);
        for (int i = 0; i < keys.length; i++) {
            long key = keys[i];
            if (key != EMPTY) {
                list.add(new PortActivity(Network.values()[(int) (key >>> 32)],
                        Transport.ofCode((int) (key >>> 16) & 0xffff), (int) (key & 0xffff), sources[i], packets[i], bytes[i], false));
            }
        }
        return list;
    }
}
