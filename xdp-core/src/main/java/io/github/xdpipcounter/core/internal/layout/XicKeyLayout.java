package io.github.xdpipcounter.core.internal.layout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.github.xdpipcounter.core.internal.libbpf.xic_key_v4;
import io.github.xdpipcounter.core.internal.libbpf.xic_key_v6;

/**
 * Where the fields of {@code struct xic_key_v4} and {@code xic_key_v6}
 * (bpf/include/xdp_ip_counter.h) lie, as jextract laid them out: for code
 * that reads keys packed in arrays, as map reads return them.
 *
 * @param size          the key's size, the stride of a packed array of keys
 * @param saddr         offset of the source address, network byte order
 * @param saddrLength   4 or 16
 * @param port          offset of the destination port, host byte order, 16 bits
 * @param transport     offset of the enum xic_transport code, 8 bits
 */
public record XicKeyLayout(int size, long saddr, int saddrLength, long port, long transport) {
    public static final XicKeyLayout V4 = new XicKeyLayout((int) xic_key_v4.sizeof(), xic_key_v4.saddr$offset(),
            (int) xic_key_v4.saddr$layout().byteSize(), xic_key_v4.port$offset(), xic_key_v4.transport$offset());
    public static final XicKeyLayout V6 = new XicKeyLayout((int) xic_key_v6.sizeof(), xic_key_v6.saddr$offset(),
            (int) xic_key_v6.saddr$layout().byteSize(), xic_key_v6.port$offset(), xic_key_v6.transport$offset());

    /** Writes a whole key (padding zeroed, as the program hashes raw bytes) at the start of {@code key}. */
    public void write(MemorySegment key, byte[] address, int destinationPort, int transportCode) {
        if (address.length != saddrLength) {
            throw new IllegalArgumentException("a " + saddrLength + "-byte address, not " + address.length);
        }
        key.asSlice(0, size).fill((byte) 0);
        MemorySegment.copy(address, 0, key, ValueLayout.JAVA_BYTE, saddr, address.length);
        key.set(ValueLayout.JAVA_SHORT_UNALIGNED, port, (short) destinationPort);
        key.set(ValueLayout.JAVA_BYTE, transport, (byte) transportCode);
    }
}
