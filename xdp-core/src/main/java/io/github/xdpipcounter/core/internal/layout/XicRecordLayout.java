package io.github.xdpipcounter.core.internal.layout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.github.xdpipcounter.core.internal.libbpf.xic_record;

/**
 * Where the fields of {@code struct xic_record} (one source's counts in
 * one window) lie, as jextract laid them out: for code that reads records
 * packed in arrays, as map reads return them. Packets and bytes are a
 * {@link XicCountsLayout}.
 */
public final class XicRecordLayout {
    /** The record's size, the stride of a packed array of records. */
    public static final int SIZE = (int) xic_record.sizeof();
    public static final long FIRST_SEEN_NS = xic_record.first_seen_ns$offset();
    public static final long LAST_SEEN_NS = xic_record.last_seen_ns$offset();
    private static final long COUNTS = xic_record.counts$offset();

    private XicRecordLayout() {
    }

    /** The packets of the record at {@code offset}. */
    public static long packets(MemorySegment records, long offset) {
        return XicCountsLayout.packets(records, offset + COUNTS);
    }

    /** The bytes of the record at {@code offset}. */
    public static long bytes(MemorySegment records, long offset) {
        return XicCountsLayout.bytes(records, offset + COUNTS);
    }

    /** Writes a whole record at the start of {@code record}, as the program would have counted it. */
    public static void write(MemorySegment record, long packets, long bytes, long firstSeenNanos, long lastSeenNanos) {
        XicCountsLayout.write(record, COUNTS, packets, bytes);
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, FIRST_SEEN_NS, firstSeenNanos);
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, LAST_SEEN_NS, lastSeenNanos);
    }
}
