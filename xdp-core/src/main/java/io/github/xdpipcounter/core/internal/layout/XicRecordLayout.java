package io.github.xdpipcounter.core.internal.layout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.github.xdpipcounter.core.internal.libbpf.xic_record;

/**
 * Where the fields of {@code struct xic_record} (one source's counts in
 * one window) lie, as jextract laid them out: for code that reads records
 * packed in arrays, as map reads return them. All fields are 64 bits.
 */
public final class XicRecordLayout {
    /** The record's size, the stride of a packed array of records. */
    public static final int SIZE = (int) xic_record.sizeof();
    public static final long PACKETS = xic_record.packets$offset();
    public static final long BYTES = xic_record.bytes$offset();
    public static final long FIRST_SEEN_NS = xic_record.first_seen_ns$offset();
    public static final long LAST_SEEN_NS = xic_record.last_seen_ns$offset();

    private XicRecordLayout() {
    }

    /** Writes a whole record at the start of {@code record}. */
    public static void write(MemorySegment record, long packets, long bytes, long firstSeenNanos, long lastSeenNanos) {
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, PACKETS, packets);
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, BYTES, bytes);
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, FIRST_SEEN_NS, firstSeenNanos);
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, LAST_SEEN_NS, lastSeenNanos);
    }
}
