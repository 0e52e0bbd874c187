package io.github.xdpipcounter.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

import io.github.xdpipcounter.core.internal.layout.XicKeyLayout;
import io.github.xdpipcounter.core.internal.layout.XicRecordLayout;

/**
 * One network's sources of one window, kept as the kernel handed them over:
 * packed keys and records in two heap arrays, about 40 bytes per IPv4 source
 * and 52 per IPv6 source (up to an eighth more: see Builder.build), decoded
 * only when asked. A window of a million sources therefore costs tens of
 * megabytes, not a million objects.
 */
final class SourceTable {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final Network network;
    private final XicKeyLayout key;
    private final byte[] keys;
    private final MemorySegment keySegment;
    private final MemorySegment recordSegment;
    private final int count;
    private final PortTally tally;
    private final long packets;
    private final long bytes;
    private final long timedOutside;
    private final long boundsStart;
    private final long boundsEnd;

    private SourceTable(Network network, byte[] keys, byte[] records, int count, Builder totals) {
        this.network = network;
        this.key = keyLayout(network);
        this.keys = keys;
        this.keySegment = MemorySegment.ofArray(keys);
        this.recordSegment = MemorySegment.ofArray(records);
        this.count = count;
        this.tally = totals.tally;
        this.packets = totals.packets;
        this.bytes = totals.bytes;
        this.timedOutside = totals.timedOutside;
        this.boundsStart = totals.startNanos;
        this.boundsEnd = totals.endNanos;
    }

    /** How the program packs this network's keys. */
    static XicKeyLayout keyLayout(Network network) {
        return network == Network.IPV4 ? XicKeyLayout.V4 : XicKeyLayout.V6;
    }

    Network network() {
        return network;
    }

    int count() {
        return count;
    }

    /** Adds its sources, packets and bytes per (network, transport, port) to {@code into}. */
    void addTallyTo(PortTally into) {
        into.addAll(tally);
    }

    /** The packets of all its records. */
    long packets() {
        return packets;
    }

    /** The bytes of all its records. */
    long bytes() {
        return bytes;
    }

    /**
     * Its records seen before {@code startNanos} or after {@code endNanos}
     * (a window's bounds on the program's clock): counted as the chunks came
     * in when these are the bounds its builder was given, else counted now.
     */
    long timedOutside(long startNanos, long endNanos) {
        if (startNanos == boundsStart && endNanos == boundsEnd) {
            return timedOutside;
        }
        long outside = 0;
        for (int i = 0; i < count; i++) {
            if (firstSeenNanos(i) < startNanos || lastSeenNanos(i) > endNanos) {
                outside++;
            }
        }
        return outside;
    }

    InetAddress address(int i) {
        int from = Math.toIntExact(saddrAt(i));
        try {
            byte[] bytes = Arrays.copyOfRange(keys, from, from + network.addressLength());
            // InetAddress.getByAddress turns an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into an
            // Inet4Address; a source seen on IPv6 must stay an IPv6 address.
            return network == Network.IPV4 ? InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4- or 16-byte address is always valid", e);
        }
    }

    /**
     * The distinct source addresses among the records of {@code transport}
     * whose destination port {@code ports} accepts.
     */
    long distinctAddresses(Transport transport, IntPredicate ports) {
        Set<Object> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            if (transport(i) == transport && ports.test(port(i))) {
                long at = saddrAt(i);
                // Two longs hold an IPv6 address, one int an IPv4 one: no copy, no InetAddress.
                seen.add(network == Network.IPV4
                        ? (Object) keySegment.get(ValueLayout.JAVA_INT_UNALIGNED, at)
                        : List.of(keySegment.get(LONG, at), keySegment.get(LONG, at + Long.BYTES)));
            }
        }
        return seen.size();
    }

    /** Adds source i's address to {@code sketch}. */
    void addAddressTo(SourceSketch sketch, int i) {
        sketch.add(keySegment, saddrAt(i), network.addressLength());
    }

    private long saddrAt(int i) {
        return (long) i * key.size() + key.saddr();
    }

    int port(int i) {
        return Short.toUnsignedInt(keySegment.get(SHORT, (long) i * key.size() + key.port()));
    }

    private int transportCode(int i) {
        return keys[Math.toIntExact((long) i * key.size() + key.transport())];
    }

    /** The (network, transport, port) of source i, packed by {@link PortTally#key}. */
    long portKey(int i) {
        return PortTally.key(network, transportCode(i), port(i));
    }

    Transport transport(int i) {
        return Transport.ofCode(transportCode(i));
    }

    long packets(int i) {
        return XicRecordLayout.packets(recordSegment, (long) i * XicRecordLayout.SIZE);
    }

    long bytes(int i) {
        return XicRecordLayout.bytes(recordSegment, (long) i * XicRecordLayout.SIZE);
    }

    long firstSeenNanos(int i) {
        return recordField(i, XicRecordLayout.FIRST_SEEN_NS);
    }

    long lastSeenNanos(int i) {
        return recordField(i, XicRecordLayout.LAST_SEEN_NS);
    }

    private long recordField(int i, long offset) {
        return recordSegment.get(LONG, (long) i * XicRecordLayout.SIZE + offset);
    }

    /**
     * Arrays with room for a number of one network's sources, made before
     * the read that fills them: a counter makes them after each flip, on the
     * thread that empties the ended generation, so that the next flip does
     * not wait while tens of megabytes are allocated and zeroed.
     */
    static final class Room {
        private final Network network;
        private final byte[] keys;
        private final byte[] records;

        private Room(Network network, byte[] keys, byte[] records) {
            this.network = network;
            this.keys = keys;
            this.records = records;
        }

        /** Room for {@code sources} sources of {@code network}. */
        static Room forSources(Network network, int sources) {
            return new Room(network, new byte[Math.multiplyExact(sources, keyLayout(network).size())],
                    new byte[Math.multiplyExact(sources, XicRecordLayout.SIZE)]);
        }
    }

    /**
     * Collects chunks read from a generation map into a table, and sums them
     * per (network, transport, port) as it goes: each chunk is summed right
     * after the kernel wrote it, while it is still in the cache, instead of
     * in a second pass over tens of megabytes once the window is read.
     */
    static final class Builder {
        private final Network network;
        private final XicKeyLayout key;
        private final int keySize;
        private final int recordSize = XicRecordLayout.SIZE;
        private final long startNanos;
        private final long endNanos;
        private byte[] keys;
        private byte[] records;
        private int count;
        private final PortTally tally = new PortTally();
        private long packets;
        private long bytes;
        private long timedOutside;

        /**
         * A builder whose arrays start with room for {@code expected}
         * sources: when a window holds about what was expected (windows of a
         * counter tend to resemble the one before), its sources are copied
         * once, where arrays grown from nothing copy them again at every
         * doubling and once more to trim. Records first seen before
         * {@code startNanos} or last seen after {@code endNanos} (the
         * window's bounds on the program's clock) are counted as timed
         * outside it.
         */
        Builder(Network network, int expected, long startNanos, long endNanos) {
            this(Room.forSources(network, expected), startNanos, endNanos);
        }

        /** As above, filling {@code room} first, which nothing else may use. */
        Builder(Room room, long startNanos, long endNanos) {
            this.network = room.network;
            this.key = keyLayout(network);
            this.keySize = key.size();
            this.startNanos = startNanos;
            this.endNanos = endNanos;
            this.keys = room.keys;
            this.records = room.records;
        }

        void append(MemorySegment keyChunk, MemorySegment recordChunk, int n) {
            sum(keyChunk, recordChunk, n);
            ensureCapacity(count + n);
            MemorySegment.copy(keyChunk, ValueLayout.JAVA_BYTE, 0, keys, count * keySize, n * keySize);
            MemorySegment.copy(recordChunk, ValueLayout.JAVA_BYTE, 0, records, count * recordSize, n * recordSize);
            count += n;
        }

        private void sum(MemorySegment keyChunk, MemorySegment recordChunk, int n) {
            long portAt = key.port();
            long transportAt = key.transport();
            for (int i = 0; i < n; i++) {
                long k = (long) i * keySize;
                long r = (long) i * recordSize;
                long p = XicRecordLayout.packets(recordChunk, r);
                long b = XicRecordLayout.bytes(recordChunk, r);
                tally.add(PortTally.key(network, keyChunk.get(ValueLayout.JAVA_BYTE, k + transportAt),
                        Short.toUnsignedInt(keyChunk.get(SHORT, k + portAt))), p, b);
                packets += p;
                bytes += b;
                if (recordChunk.get(LONG, r + XicRecordLayout.FIRST_SEEN_NS) < startNanos
                        || recordChunk.get(LONG, r + XicRecordLayout.LAST_SEEN_NS) > endNanos) {
                    timedOutside++;
                }
            }
        }

        private void ensureCapacity(int entries) {
            int current = keys.length / keySize;
            if (entries <= current) {
                return;
            }
            int grown = Math.max(entries, Math.max(1024, current * 2));
            keys = Arrays.copyOf(keys, Math.multiplyExact(grown, keySize));
            records = Arrays.copyOf(records, Math.multiplyExact(grown, recordSize));
        }

        int count() {
            return count;
        }

        SourceTable build() {
            // Arrays at most an eighth too long are kept as they are: trimming would copy every source again.
            int room = keys.length / keySize;
            if (room - count <= room / 8) {
                return new SourceTable(network, keys, records, count, this);
            }
            return new SourceTable(network, Arrays.copyOf(keys, count * keySize),
                    Arrays.copyOf(records, count * recordSize), count, this);
        }
    }
}
