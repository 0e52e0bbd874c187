package io.github.xdpipcounter.core.internal.layout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;
import io.github.xdpipcounter.core.internal.libbpf.xic_overflow;
import io.github.xdpipcounter.core.internal.libbpf.xic_recorded;
import io.github.xdpipcounter.core.internal.libbpf.xic_row;
import io.github.xdpipcounter.core.internal.libbpf.xic_spilled_rows;

/**
 * The overflow of a full generation as the program lays it out: {@code struct
 * xic_row} keys, {@code struct xic_overflow} values (packets, bytes and the
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
    public static final int ROW_SIZE = (int) xic_row.sizeof();
    public static final int SIZE = (int) xic_overflow.sizeof();
    public static final int RECORDED_SIZE = (int) xic_recorded.sizeof();
    /** The size of a slot's {@code struct xic_spilled_rows}: one bit per possible row. */
    public static final int SPILLED_ROWS_SIZE = (int) xic_spilled_rows.sizeof();

    private XicOverflowLayout() {
    }

    /** The row's destination port (or ICMP type). */
    public static int port(MemorySegment row) {
        return Short.toUnsignedInt(xic_row.port(row));
    }

    /** The row's enum xic_transport code. */
    public static int transport(MemorySegment row) {
        return Byte.toUnsignedInt(xic_row.transport(row));
    }

    /** The row's network: 0 for IPv4, 1 for IPv6. */
    public static int network(MemorySegment row) {
        return Byte.toUnsignedInt(xic_row.network(row));
    }

    public static long packets(MemorySegment overflow) {
        return overflow.get(ValueLayout.JAVA_LONG_UNALIGNED, xic_overflow.packets$offset());
    }

    public static long bytes(MemorySegment overflow) {
        return overflow.get(ValueLayout.JAVA_LONG_UNALIGNED, xic_overflow.bytes$offset());
    }

    /** A copy of the entry's registers. */
    public static byte[] registers(MemorySegment overflow) {
        return overflow.asSlice(xic_overflow.registers$offset(), REGISTERS).toArray(ValueLayout.JAVA_BYTE);
    }
}
