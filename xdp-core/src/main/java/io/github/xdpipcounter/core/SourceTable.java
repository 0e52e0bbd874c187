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

import io.github.xdpipcounter.core.bpf.SharedLayouts;

/**
 * One network's sources of one window, kept as the kernel handed them over:
 * packed keys and records in two heap arrays, about 40 bytes per IPv4 source
 * and 52 per IPv6 source, decoded only when asked. A window of a million
 * sources therefore costs tens of megabytes, not a million objects.
 */
final class SourceTable {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final Network network;
    private final int keySize;
    private final long saddrOffset;
    private final long portOffset;
    private final long transportOffset;
    private final byte[] keys;
    private final MemorySegment keySegment;
    private final MemorySegment recordSegment;
    private final int count;

    private SourceTable(Network network, byte[] keys, byte[] records, int count) {
        this.network = network;
        boolean v4 = network == Network.IPV4;
        this.keySize = (int) (v4 ? SharedLayouts.KEY_V4_SIZE : SharedLayouts.KEY_V6_SIZE);
        this.saddrOffset = v4 ? SharedLayouts.KEY_V4_SADDR : SharedLayouts.KEY_V6_SADDR;
        this.portOffset = v4 ? SharedLayouts.KEY_V4_PORT : SharedLayouts.KEY_V6_PORT;
        this.transportOffset = v4 ? SharedLayouts.KEY_V4_TRANSPORT : SharedLayouts.KEY_V6_TRANSPORT;
        this.keys = keys;
        this.keySegment = MemorySegment.ofArray(keys);
        this.recordSegment = MemorySegment.ofArray(records);
        this.count = count;
    }

    static int keySize(Network network) {
        return (int) (network == Network.IPV4 ? SharedLayouts.KEY_V4_SIZE : SharedLayouts.KEY_V6_SIZE);
    }

    static SourceTable empty(Network network) {
        return new SourceTable(network, new byte[0], new byte[0], 0);
    }

    Network network() {
        return network;
    }

    int count() {
        return count;
    }

    InetAddress address(int i) {
        int from = Math.toIntExact((long) i * keySize + saddrOffset);
        try {
            byte[] bytes = Arrays.copyOfRange(keys, from, from + network.addressLength());
            // InetAddress.getByAddress turns an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into an
            // Inet4Address; a source seen on IPv6 must stay an IPv6 address.
            return network == Network.IPV4 ? InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4- or 16-byte address is always valid", e);
        }
    }

    /** The source address bytes, network order, into {@code into} (4 or 16 long). */
    void addressBytes(int i, byte[] into) {
        System.arraycopy(keys, Math.toIntExact((long) i * keySize + saddrOffset), into, 0, network.addressLength());
    }

    /**
     * The distinct source addresses among the records of {@code transport}
     * whose destination port {@code ports} accepts.
     */
    long distinctAddresses(Transport transport, IntPredicate ports) {
        Set<Object> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            if (transport(i) == transport && ports.test(port(i))) {
                long at = (long) i * keySize + saddrOffset;
                // Two longs hold an IPv6 address, one int an IPv4 one: no copy, no InetAddress.
                seen.add(network == Network.IPV4
                        ? (Object) keySegment.get(ValueLayout.JAVA_INT_UNALIGNED, at)
                        : List.of(keySegment.get(LONG, at), keySegment.get(LONG, at + Long.BYTES)));
            }
        }
        return seen.size();
    }

    int port(int i) {
        return Short.toUnsignedInt(keySegment.get(SHORT, (long) i * keySize + portOffset));
    }

    /** The (network, transport, port) of source i, packed as {@link PortTally#key}. */
    long portKey(int i) {
        long base = (long) i * keySize;
        int port = Short.toUnsignedInt(keySegment.get(SHORT, base + portOffset));
        int transport = keySegment.get(ValueLayout.JAVA_BYTE, base + transportOffset);
        return ((long) network.ordinal() << 32) | ((long) transport << 16) | port;
    }

    Transport transport(int i) {
        return Transport.ofCode(keys[Math.toIntExact((long) i * keySize + transportOffset)]);
    }

    long packets(int i) {
        return recordField(i, SharedLayouts.RECORD_PACKETS);
    }

    long bytes(int i) {
        return recordField(i, SharedLayouts.RECORD_BYTES);
    }

    long firstSeenNanos(int i) {
        return recordField(i, SharedLayouts.RECORD_FIRST_SEEN);
    }

    long lastSeenNanos(int i) {
        return recordField(i, SharedLayouts.RECORD_LAST_SEEN);
    }

    private long recordField(int i, long offset) {
        return recordSegment.get(LONG, (long) i * SharedLayouts.RECORD_SIZE + offset);
    }

    /** Collects chunks read from a generation map into a table. */
    static final class Builder {
        private final Network network;
        private final int keySize;
        private final int recordSize = (int) SharedLayouts.RECORD_SIZE;
        private byte[] keys = new byte[0];
        private byte[] records = new byte[0];
        private int count;

        Builder(Network network) {
            this.network = network;
            this.keySize = keySize(network);
        }

        void append(MemorySegment keyChunk, MemorySegment recordChunk, int n) {
            ensureCapacity(count + n);
            MemorySegment.copy(keyChunk, ValueLayout.JAVA_BYTE, 0, keys, count * keySize, n * keySize);
            MemorySegment.copy(recordChunk, ValueLayout.JAVA_BYTE, 0, records, count * recordSize, n * recordSize);
            count += n;
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
            return new SourceTable(network, Arrays.copyOf(keys, count * keySize),
                    Arrays.copyOf(records, count * recordSize), count);
        }
    }
}
