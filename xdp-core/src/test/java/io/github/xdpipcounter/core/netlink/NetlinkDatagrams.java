package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;

import io.github.xdpipcounter.core.internal.netlink.ifaddrmsg;
import io.github.xdpipcounter.core.internal.netlink.nlmsghdr;
import io.github.xdpipcounter.core.internal.netlink.rtattr;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Builds netlink datagrams as the kernel lays them out (host byte order,
 * every message and attribute aligned to 4 bytes), for the parsers' tests.
 */
final class NetlinkDatagrams implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();

    /** A message of {@code type}, numbered 0, no flags, whose payload is {@code parts} one after the other. */
    byte[] message(int type, byte[]... parts) {
        return message(type, 0, 0, parts);
    }

    byte[] message(int type, int flags, int sequence, byte[]... parts) {
        byte[] payload = concat(parts);
        int length = (int) nlmsghdr.sizeof() + payload.length;
        MemorySegment s = arena.allocate(NetlinkMessages.align(length), 4);
        s.set(JAVA_INT, 0, length);
        s.set(JAVA_SHORT, 4, (short) type);
        s.set(JAVA_SHORT, 6, (short) flags);
        s.set(JAVA_INT, 8, sequence);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, s, nlmsghdr.sizeof(), payload.length);
        return s.toArray(JAVA_BYTE);
    }

    /** An attribute, padded to 4 bytes. */
    byte[] attribute(int type, byte[] payload) {
        int length = (int) rtattr.sizeof() + payload.length;
        MemorySegment s = arena.allocate(NetlinkMessages.align(length), 4);
        s.set(JAVA_SHORT, 0, (short) length);
        s.set(JAVA_SHORT, 2, (short) type);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, s, rtattr.sizeof(), payload.length);
        return s.toArray(JAVA_BYTE);
    }

    /** A struct of {@code layout}, zeroed, then filled in by {@code fill}. */
    byte[] struct(MemoryLayout layout, Consumer<MemorySegment> fill) {
        MemorySegment s = arena.allocate(layout);
        fill.accept(s);
        return s.toArray(JAVA_BYTE);
    }

    /** The messages one after the other, in native memory as a receive leaves them. */
    MemorySegment datagram(byte[]... messages) {
        byte[] bytes = concat(messages);
        MemorySegment s = arena.allocate(Math.max(bytes.length, 1), 8).asSlice(0, bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, s, 0, bytes.length);
        return s;
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    /** struct ifaddrmsg. */
    byte[] ifaddrmsg(int family, int index, int prefixLength) {
        return struct(ifaddrmsg.layout(), s -> {
            ifaddrmsg.ifa_family(s, (byte) family);
            ifaddrmsg.ifa_prefixlen(s, (byte) prefixLength);
            ifaddrmsg.ifa_index(s, index);
        });
    }

    /** An address attribute; ::ffff:a.b.c.d keeps its 16 bytes, which InetAddress would give as 4. */
    byte[] addressAttribute(int type, String address) throws UnknownHostException {
        byte[] bytes = InetAddress.getByName(address).getAddress();
        if (bytes.length == 4 && address.contains(":")) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            bytes = mapped;
        }
        return attribute(type, bytes);
    }

    byte[] hostInt(int value) {
        return struct(JAVA_INT, s -> s.set(JAVA_INT, 0, value));
    }

    static byte[] nulTerminated(byte[] bytes) {
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        return out;
    }

    @Override
    public void close() {
        arena.close();
    }
}
