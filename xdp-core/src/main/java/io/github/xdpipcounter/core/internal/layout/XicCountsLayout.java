package io.github.xdpipcounter.core.internal.layout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;
import io.github.xdpipcounter.core.internal.libbpf.xic_counts;

/**
 * A {@code struct xic_counts}: packets and bytes packed in one word that the
 * program adds to once per packet, bytes in its low {@code XIC_BYTES_BITS}
 * (40) bits and packets above them, with the wraps of either field beside
 * it (see the header). A count is its field plus its wraps.
 */
public final class XicCountsLayout {
    private static final long COUNTS = xic_counts.counts$offset();
    private static final long PACKET_WRAPS = xic_counts.packet_wraps$offset();
    private static final long BYTE_CARRIES = xic_counts.byte_carries$offset();
    private static final int BYTES_BITS = LibBpf.XIC_BYTES_BITS();
    private static final int PACKETS_BITS = Long.SIZE - BYTES_BITS;
    private static final long BYTES_MASK = (1L << BYTES_BITS) - 1;
    private static final long PACKETS_MASK = (1L << PACKETS_BITS) - 1;

    private XicCountsLayout() {
    }

    /** The packets of the counts at {@code offset}. */
    public static long packets(MemorySegment memory, long offset) {
        long counts = memory.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + COUNTS);
        long wraps = memory.get(ValueLayout.JAVA_INT_UNALIGNED, offset + PACKET_WRAPS); // signed
        return (counts >>> BYTES_BITS) + (wraps << PACKETS_BITS);
    }

    /** The bytes of the counts at {@code offset}. */
    public static long bytes(MemorySegment memory, long offset) {
        long counts = memory.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + COUNTS);
        long carries = Integer.toUnsignedLong(memory.get(ValueLayout.JAVA_INT_UNALIGNED, offset + BYTE_CARRIES));
        return (counts & BYTES_MASK) + (carries << BYTES_BITS);
    }

    /** Writes counts at {@code offset} as the program would have counted them. */
    public static void write(MemorySegment memory, long offset, long packets, long bytes) {
        memory.set(ValueLayout.JAVA_LONG_UNALIGNED, offset + COUNTS, (packets & PACKETS_MASK) << BYTES_BITS | bytes & BYTES_MASK);
        memory.set(ValueLayout.JAVA_INT_UNALIGNED, offset + PACKET_WRAPS, Math.toIntExact(packets >>> PACKETS_BITS));
        memory.set(ValueLayout.JAVA_INT_UNALIGNED, offset + BYTE_CARRIES, Math.toIntExact(bytes >>> BYTES_BITS));
    }
}
