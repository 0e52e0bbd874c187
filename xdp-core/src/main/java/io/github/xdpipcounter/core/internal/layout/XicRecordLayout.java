package io.github.xdpipcounter.core.internal.layout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;
import io.github.xdpipcounter.core.internal.libbpf.xic_record;

/**
 * Where the fields of {@code struct xic_record} (one source's counts in
 * one window) lie, as jextract laid them out, and how its packets and bytes
 * are packed: for code that reads records packed in arrays, as map reads
 * return them.
 *
 * <p>The program counts a packet with one atomic add to one word, bytes in
 * its low {@code XIC_BYTES_BITS} (40) bits and packets above them, and keeps
 * the wraps of either field beside it (see the header): a record's packets
 * and bytes are those fields plus their wraps.
 */
public final class XicRecordLayout {
    /** The record's size, the stride of a packed array of records. */
    public static final int SIZE = (int) xic_record.sizeof();
    public static final long FIRST_SEEN_NS = xic_record.first_seen_ns$offset();
    public static final long LAST_SEEN_NS = xic_record.last_seen_ns$offset();
    private static final long COUNTS = xic_record.counts$offset();
    private static final long PACKET_WRAPS = xic_record.packet_wraps$offset();
    private static final long BYTE_CARRIES = xic_record.byte_carries$offset();
    private static final int BYTES_BITS = LibBpf.XIC_BYTES_BITS();
    private static final int PACKETS_BITS = Long.SIZE - BYTES_BITS;
    private static final long BYTES_MASK = (1L << BYTES_BITS) - 1;
    private static final long PACKETS_MASK = (1L << PACKETS_BITS) - 1;

    private XicRecordLayout() {
    }

    /** The packets of the record at {@code offset}. */
    public static long packets(MemorySegment records, long offset) {
        long counts = records.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + COUNTS);
        long wraps = records.get(ValueLayout.JAVA_INT_UNALIGNED, offset + PACKET_WRAPS); // signed
        return (counts >>> BYTES_BITS) + (wraps << PACKETS_BITS);
    }

    /** The bytes of the record at {@code offset}. */
    public static long bytes(MemorySegment records, long offset) {
        long counts = records.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + COUNTS);
        long carries = Integer.toUnsignedLong(records.get(ValueLayout.JAVA_INT_UNALIGNED, offset + BYTE_CARRIES));
        return (counts & BYTES_MASK) + (carries << BYTES_BITS);
    }

    /** Writes a whole record at the start of {@code record}, as the program would have counted it. */
    public static void write(MemorySegment record, long packets, long bytes, long firstSeenNanos, long lastSeenNanos) {
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, COUNTS, (packets & PACKETS_MASK) << BYTES_BITS | bytes & BYTES_MASK);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, PACKET_WRAPS, Math.toIntExact(packets >>> PACKETS_BITS));
        record.set(ValueLayout.JAVA_INT_UNALIGNED, BYTE_CARRIES, Math.toIntExact(bytes >>> BYTES_BITS));
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, FIRST_SEEN_NS, firstSeenNanos);
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, LAST_SEEN_NS, lastSeenNanos);
    }
}
