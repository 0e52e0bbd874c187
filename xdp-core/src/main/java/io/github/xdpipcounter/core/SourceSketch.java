package io.github.xdpipcounter.core;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.github.xdpipcounter.core.internal.layout.XicOverflowLayout;
import org.apache.datasketches.hash.MurmurHash3;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * The HyperLogLog sketch of one row's source addresses, kept as the program
 * keeps it: the 4,096 one-byte registers of Apache DataSketches'
 * {@code HllSketch(12, HLL_8)}. Addresses are hashed as
 * {@code HllSketch.update(byte[])} hashes them, with DataSketches' own
 * MurmurHash3_x64_128 (seed 9001) over the address bytes in network order,
 * and the program does the same in C, so registers built here,
 * in the program, or by DataSketches from the same addresses are equal
 * register for register; {@link #image()} makes them a DataSketches
 * sketch, which unions with any other.
 */
final class SourceSketch {
    static final int LG_K = XicOverflowLayout.LG_K;
    private static final int K = XicOverflowLayout.REGISTERS;
    private static final long SEED = XicOverflowLayout.SEED;

    /** The serialized size: DataSketches' preamble (40 bytes), then the registers. */
    static final int IMAGE_BYTES = 40 + K;
    // The preamble of an updatable HLL_8 sketch in HLL mode (datasketches-java hll/PreambleUtil).
    private static final byte PREAMBLE_INTS = 10;
    private static final byte SERIAL_VERSION = 1;
    private static final byte FAMILY_HLL = 7;
    /** Out of order: the HIP estimator does not apply to registers merged in any order. */
    private static final byte FLAG_OUT_OF_ORDER = 16;
    /** (target type HLL_8 = 2) << 2 | (current mode HLL = 2). */
    private static final byte MODE_HLL_8_HLL = 10;

    private final byte[] registers;

    /** An empty sketch. */
    SourceSketch() {
        this(new byte[K]);
    }

    /** A sketch over the program's registers of a row (a copy of {@code K} bytes, taken over). */
    SourceSketch(byte[] registers) {
        if (registers.length != K) {
            throw new IllegalArgumentException(K + " registers, not " + registers.length);
        }
        this.registers = registers;
    }

    /** The relative standard error of an estimate from these sketches (1.6%). */
    static double relativeError() {
        return HllSketch.getRelErr(false, true, LG_K, 1);
    }

    /** Adds the 4- or 16-byte address at {@code offset} of {@code memory}. */
    void add(MemorySegment memory, long offset, int addressLength) {
        if (addressLength != 4 && addressLength != 16) {
            throw new IllegalArgumentException("a 4- or 16-byte address, not " + addressLength);
        }
        // DataSketches' own hash, as HllSketch.update(byte[]) computes it.
        long[] hash = MurmurHash3.hash(memory.asSlice(offset, addressLength), SEED);
        int slot = (int) (hash[0] & (K - 1));
        byte value = (byte) (Math.min(Long.numberOfLeadingZeros(hash[1]), 62) + 1);
        if (value > registers[slot]) {
            registers[slot] = value;
        }
    }

    /** Adds an address's bytes, network order. */
    void add(byte[] address) {
        add(MemorySegment.ofArray(address), 0, address.length);
    }

    /** Raises every register to the other sketch's: the sketch of both sets. */
    void merge(SourceSketch other) {
        for (int i = 0; i < K; i++) {
            if (other.registers[i] > registers[i]) {
                registers[i] = other.registers[i];
            }
        }
    }

    /** Whether no address was added. */
    boolean isEmpty() {
        for (byte r : registers) {
            if (r != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The sketch in DataSketches' serial format: an updatable HLL_8 sketch in
     * HLL mode, marked out of order, with the summary fields (the minimum
     * register, how many hold it, the two kxq sums) computed as DataSketches
     * computes them after a union.
     */
    byte[] image() {
        if (isEmpty()) {
            return new HllSketch(LG_K, TgtHllType.HLL_8).toUpdatableByteArray();
        }
        int curMin = 64;
        int atCurMin = 0;
        double kxq0 = K;
        double kxq1 = 0;
        for (byte r : registers) {
            if (r > 0) {
                double term = Math.scalb(1.0, -r) - 1.0;
                if (r < 32) {
                    kxq0 += term;
                } else {
                    kxq1 += term;
                }
            }
            if (r < curMin) {
                curMin = r;
                atCurMin = 1;
            } else if (r == curMin) {
                atCurMin++;
            }
        }
        ByteBuffer image = ByteBuffer.allocate(IMAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        image.put(0, PREAMBLE_INTS).put(1, SERIAL_VERSION).put(2, FAMILY_HLL).put(3, (byte) LG_K)
                .put(4, (byte) 0) // the log of the auxiliary array's size: HLL_4 only
                .put(5, FLAG_OUT_OF_ORDER)
                .put(6, (byte) curMin)
                .put(7, MODE_HLL_8_HLL);
        image.putDouble(8, 0.0); // the HIP accumulator, unused out of order
        image.putDouble(16, kxq0);
        image.putDouble(24, kxq1);
        image.putInt(32, atCurMin);
        image.putInt(36, 0); // auxiliary entries: HLL_4 only
        image.put(40, registers);
        return image.array();
    }

    /** DataSketches' estimate of the distinct addresses added. */
    double estimate() {
        // Read in place: a window may estimate thousands of rows.
        return isEmpty() ? 0 : HllSketch.wrap(MemorySegment.ofArray(image())).getEstimate();
    }
}
