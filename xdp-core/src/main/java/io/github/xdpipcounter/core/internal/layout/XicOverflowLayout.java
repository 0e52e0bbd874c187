package io.github.xdpipcounter.core.internal.layout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;
import io.github.xdpipcounter.core.internal.libbpf.xic_overflow;
import io.github.xdpipcounter.core.internal.libbpf.xic_overflow_key;
import io.github.xdpipcounter.core.internal.libbpf.xic_recorded;
import io.github.xdpipcounter.core.internal.libbpf.xic_row;
import io.github.xdpipcounter.core.internal.libbpf.xic_spilled_rows;

/**
 * The overflow of a full generation as the program lays it out: {@code struct
 * xic_overflow_key} keys (a row and a slot), {@code struct xic_overflow} values (packets, bytes and the
 * HyperLogLog registers of the sources that found no room), the size of a
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
    /** The size of a {@code struct xic_overflow_key}: a row and its generation's slot. */
    public static final int KEY_SIZE = (int) xic_overflow_key.sizeof();
    private static final long ROW = xic_overflow_key.row$offset();
    public static final int SIZE = (int) xic_overflow.sizeof();
    public static final int RECORDED_SIZE = (int) xic_recorded.sizeof();
    /** The size of a slot's {@code struct xic_spilled_rows}: one bit per possible row. */
    public static final int SPILLED_ROWS_SIZE = (int) xic_spilled_rows.sizeof();

    private XicOverflowLayout() {
    }

    /** The key's generation slot. */
    public static int slot(MemorySegment key) {
        return xic_overflow_key.slot(key);
    }

    /** The key's destination port (or ICMP type). */
    public static int port(MemorySegment key) {
        return Short.toUnsignedInt(key.get(ValueLayout.JAVA_SHORT_UNALIGNED, ROW + xic_row.port$offset()));
    }

    /** The key's enum xic_transport code. */
    public static int transport(MemorySegment key) {
        return Byte.toUnsignedInt(key.get(ValueLayout.JAVA_BYTE, ROW + xic_row.transport$offset()));
    }

    /** The key's network: 0 for IPv4, 1 for IPv6. */
    public static int network(MemorySegment key) {
        return Byte.toUnsignedInt(key.get(ValueLayout.JAVA_BYTE, ROW + xic_row.network$offset()));
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
