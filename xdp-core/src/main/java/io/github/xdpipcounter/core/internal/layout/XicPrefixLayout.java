package io.github.xdpipcounter.core.internal.layout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.github.xdpipcounter.core.internal.libbpf.xic_prefix_v4;
import io.github.xdpipcounter.core.internal.libbpf.xic_prefix_v6;

/**
 * Where the fields of {@code struct xic_prefix_v4} and {@code xic_prefix_v6}
 * (the keys of the program's LPM tries) lie, as jextract laid them out.
 *
 * @param size       the key's size
 * @param prefixlen  offset of the prefix length, host byte order, 32 bits
 * @param addr       offset of the address, network byte order
 * @param addrLength 4 or 16
 */
public record XicPrefixLayout(int size, long prefixlen, long addr, int addrLength) {
    public static final XicPrefixLayout V4 = new XicPrefixLayout((int) xic_prefix_v4.sizeof(),
            xic_prefix_v4.prefixlen$offset(), xic_prefix_v4.addr$offset(), (int) xic_prefix_v4.addr$layout().byteSize());
    public static final XicPrefixLayout V6 = new XicPrefixLayout((int) xic_prefix_v6.sizeof(),
            xic_prefix_v6.prefixlen$offset(), xic_prefix_v6.addr$offset(), (int) xic_prefix_v6.addr$layout().byteSize());

    /**
     * Writes a whole key at the start of {@code key}.
     *
     * @param address an IPv4 or IPv6 address
     * @param key the key segment
     * @param prefixLength the number of leading bits that make the block
     */
    public void write(MemorySegment key, byte[] address, int prefixLength) {
        if (address.length != addrLength) {
            throw new IllegalArgumentException("a " + addrLength + "-byte address, not " + address.length);
        }
        key.asSlice(0, size).fill((byte) 0);
        key.set(ValueLayout.JAVA_INT_UNALIGNED, prefixlen, prefixLength);
        MemorySegment.copy(address, 0, key, ValueLayout.JAVA_BYTE, addr, address.length);
    }
}
