package io.github.xdpipcounter.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.github.xdpipcounter.core.internal.layout.XicOverflowLayout;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * The HyperLogLog sketch of one row's source addresses, kept as the program
 * keeps it: the 4,096 one-byte registers of Apache DataSketches'
 * {@code HllSketch(12, HLL_8)}. Addresses are hashed exactly as
 * {@code HllSketch.update(byte[])} hashes them (MurmurHash3_x64_128, seed
 * 9001, over the address bytes in network order), so registers built here,
 * in the program, or by DataSketches from the same addresses are equal
 * register for register; {@link #image()} makes them a DataSketches
 * sketch, which unions with any other.
 */
final class SourceSketch {
    static final int LG_K = XicOverflowLayout.LG_K;
    private static final int K = XicOverflowLayout.REGISTERS;
    private static final long SEED = XicOverflowLayout.SEED;
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

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
        long h1 = SEED;
        long h2 = SEED;
        if (addressLength == 16) {
            // One 16-byte block and no tail.
            h1 ^= mixK1(memory.get(LONG_LE, offset));
            h1 = Long.rotateLeft(h1, 27) + h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(memory.get(LONG_LE, offset + 8));
            h2 = Long.rotateLeft(h2, 31) + h1;
            h2 = h2 * 5 + 0x38495ab5;
        } else if (addressLength == 4) {
            // A 4-byte tail only.
            h1 ^= mixK1(memory.get(INT_LE, offset) & 0xffffffffL);
        } else {
            throw new IllegalArgumentException("a 4- or 16-byte address, not " + addressLength);
        }
        h1 ^= addressLength;
        h2 ^= addressLength;
        h1 += h2;
        h2 += h1;
        h1 = fmix64(h1);
        h2 = fmix64(h2);
        h1 += h2;
        h2 += h1;
        int slot = (int) (h1 & (K - 1));
        byte value = (byte) (Math.min(Long.numberOfLeadingZeros(h2), 62) + 1);
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
        return isEmpty() ? 0 : HllSketch.heapify(image()).getEstimate();
    }

    private static long fmix64(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private static long mixK1(long k) {
        return Long.rotateLeft(k * C1, 31) * C2;
    }

    private static long mixK2(long k) {
        return Long.rotateLeft(k * C2, 33) * C1;
    }
}
