package io.github.xdpipcounter.core.internal.layout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;
import io.github.xdpipcounter.core.internal.libbpf.xic_overflow;
import io.github.xdpipcounter.core.internal.libbpf.xic_recorded;
import io.github.xdpipcounter.core.internal.libbpf.xic_row;
import io.github.xdpipcounter.core.internal.libbpf.xic_spilled_rows;

/**
 * The overflow of a full generation as the program lays it out: the
 * overflow array's {@code struct xic_overflow} entries (the row an entry
 * holds, packets, bytes and the HyperLogLog registers of the sources that
 * found no room), {@link #ROWS} of them per generation, the size of a
 * slot's {@code struct xic_recorded} filter, and the sketch parameters the
 * header fixes.
 */
public final class XicOverflowLayout {
    /** log2 of the registers per sketch (DataSketches' lgConfigK). */
    public static final int LG_K = LibBpf.XIC_SKETCH_LG_K();
    /** The MurmurHash3 seed of the sketch hash. */
    public static final long SEED = LibBpf.XIC_SKETCH_SEED();
    /** Registers per sketch, one byte each. */
    public static final int REGISTERS = 1 << LG_K;
    /** The overflow array's entries per generation: generation s has entries s * ROWS to s * ROWS + ROWS - 1. */
    public static final int ROWS = LibBpf.XIC_SKETCH_ROWS();
    private static final long ROW = xic_overflow.row_tag$offset();
    private static final int TAKEN = LibBpf.XIC_ROW_TAKEN();
    public static final int SIZE = (int) xic_overflow.sizeof();
    public static final int RECORDED_SIZE = (int) xic_recorded.sizeof();
    /** The bits a key sets in its word of the recorded-keys filter. */
    public static final int RECORDED_PROBES = LibBpf.XIC_RECORDED_PROBES();
    /** The size of a slot's {@code struct xic_spilled_rows}: one bit per possible row. */
    public static final int SPILLED_ROWS_SIZE = (int) xic_spilled_rows.sizeof();

    private XicOverflowLayout() {
    }

    /** Whether an entry of the overflow array holds a row; the three methods after this one say which. */
    public static boolean taken(MemorySegment overflow) {
        return (overflow.get(ValueLayout.JAVA_INT_UNALIGNED, ROW) & TAKEN) != 0;
    }

    /** The entry's destination port (or ICMP type). */
    public static int port(MemorySegment overflow) {
        return Short.toUnsignedInt(overflow.get(ValueLayout.JAVA_SHORT_UNALIGNED, ROW + xic_row.port$offset()));
    }

    /** The entry's enum xic_transport code. */
    public static int transport(MemorySegment overflow) {
        return Byte.toUnsignedInt(overflow.get(ValueLayout.JAVA_BYTE, ROW + xic_row.transport$offset()));
    }

    /** The entry's network: 0 for IPv4, 1 for IPv6 (its byte's high bit is the taken bit, on a little-endian host). */
    public static int network(MemorySegment overflow) {
        return overflow.get(ValueLayout.JAVA_BYTE, ROW + xic_row.network$offset()) & 0x7f;
    }

    public static long packets(MemorySegment overflow) {
        return XicCountsLayout.packets(overflow, xic_overflow.counts$offset());
    }

    public static long bytes(MemorySegment overflow) {
        return XicCountsLayout.bytes(overflow, xic_overflow.counts$offset());
    }

    /** A copy of the entry's registers. */
    public static byte[] registers(MemorySegment overflow) {
        return overflow.asSlice(xic_overflow.registers$offset(), REGISTERS).toArray(ValueLayout.JAVA_BYTE);
    }
}
