package io.github.xdpipcounter.testing;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Builds test frames byte by byte, header by header, so that each test says
 * exactly what is on the wire. Checksums are left zero: the program does not
 * read them.
 */
public final class Frames {
    public static final int ETH_P_IP = 0x0800;
    public static final int ETH_P_IPV6 = 0x86dd;
    public static final int ETH_P_ARP = 0x0806;
    public static final int ETH_P_8021Q = 0x8100;
    public static final int ETH_P_8021AD = 0x88a8;

    public static final int IPPROTO_HOPOPTS = 0;
    public static final int IPPROTO_ICMP = 1;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_ROUTING = 43;
    public static final int IPPROTO_FRAGMENT = 44;
    public static final int IPPROTO_ESP = 50;
    public static final int IPPROTO_AH = 51;
    public static final int IPPROTO_ICMPV6 = 58;
    public static final int IPPROTO_NONE = 59;
    public static final int IPPROTO_DSTOPTS = 60;
    public static final int IPPROTO_SCTP = 132;
    public static final int IPPROTO_UDPLITE = 136;

    private Frames() {
    }

    /** Ethernet header, then a VLAN tag per TPID in {@code vlanTpids}, then {@code payload}. */
    public static byte[] ethernet(int[] vlanTpids, int etherType, byte[] payload) {
        return ethernet(new byte[] {2, 0, 0, 0, 0, 1}, new byte[] {2, 0, 0, 0, 0, 2}, vlanTpids, etherType, payload);
    }

    /** An Ethernet frame between two real link addresses (see {@link #mac}), as a host would send it. */
    public static byte[] ethernet(byte[] destination, byte[] source, int etherType, byte[] payload) {
        return ethernet(destination, source, new int[0], etherType, payload);
    }

    private static byte[] ethernet(byte[] destination, byte[] source, int[] vlanTpids, int etherType, byte[] payload) {
        Bytes b = new Bytes();
        b.put(destination).put(source);
        int vid = 10;
        for (int tpid : vlanTpids) {
            b.u16(tpid).u16(vid++);
        }
        return b.u16(etherType).put(payload).bytes();
    }

    public static byte[] ethernet(int etherType, byte[] payload) {
        return ethernet(new int[0], etherType, payload);
    }

    /**
     * An IPv4 header with {@code optionBytes} (a multiple of 4, up to 40) of
     * options and the given flags+offset field, then {@code payload}.
     */
    public static byte[] ipv4(String src, String dst, int protocol, int optionBytes, int flagsAndOffset, byte[] payload) {
        if (optionBytes % 4 != 0 || optionBytes > 40) {
            throw new IllegalArgumentException("options: a multiple of 4 up to 40");
        }
        int ihl = 5 + optionBytes / 4;
        Bytes b = new Bytes();
        b.u8(0x40 | ihl).u8(0).u16(ihl * 4 + payload.length).u16(0x1234).u16(flagsAndOffset)
                .u8(64).u8(protocol).u16(0).put(address(src)).put(address(dst));
        for (int i = 0; i < optionBytes; i++) {
            // NOPs with a final EOL; a value that would read as a plausible port if misparsed.
            b.u8(i == optionBytes - 1 ? 0 : 1);
        }
        return b.put(payload).bytes();
    }

    public static byte[] ipv4(String src, String dst, int protocol, byte[] payload) {
        return ipv4(src, dst, protocol, 0, 0x4000, payload);
    }

    /** An IPv6 header; {@code payload} starts with any extension headers. */
    public static byte[] ipv6(String src, String dst, int nextHeader, byte[] payload) {
        Bytes b = new Bytes();
        b.u32(0x60000000).u16(payload.length).u8(nextHeader).u8(64).put(address(src)).put(address(dst));
        return b.put(payload).bytes();
    }

    /** Hop-by-hop, routing or destination options: (hdrExtLen + 1) * 8 bytes. */
    public static byte[] ipv6Options(int nextHeader, int hdrExtLen) {
        Bytes b = new Bytes().u8(nextHeader).u8(hdrExtLen);
        for (int i = 2; i < (hdrExtLen + 1) * 8; i++) {
            b.u8(i == 2 ? 1 : 0);
        }
        return b.bytes();
    }

    /** A fragment header: offset in 8-byte units, M flag. */
    public static byte[] ipv6Fragment(int nextHeader, int offsetUnits, boolean more) {
        return new Bytes().u8(nextHeader).u8(0).u16((offsetUnits << 3) | (more ? 1 : 0)).u32(0xabcd).bytes();
    }

    /** An authentication header: (payloadLen + 2) * 4 bytes. */
    public static byte[] ipv6Auth(int nextHeader, int payloadLen) {
        Bytes b = new Bytes().u8(nextHeader).u8(payloadLen).u16(0);
        for (int i = 4; i < (payloadLen + 2) * 4; i++) {
            b.u8(0x55);
        }
        return b.bytes();
    }

    public static byte[] tcp(int srcPort, int dstPort) {
        return new Bytes().u16(srcPort).u16(dstPort).u32(1).u32(0).u8(0x50).u8(0x02).u16(64240).u16(0).u16(0).bytes();
    }

    public static byte[] udp(int srcPort, int dstPort, int payloadBytes) {
        return new Bytes().u16(srcPort).u16(dstPort).u16(8 + payloadBytes).u16(0).put(new byte[payloadBytes]).bytes();
    }

    /** UDP-Lite: the UDP layout with a checksum coverage field for a length. */
    public static byte[] udpLite(int srcPort, int dstPort) {
        return new Bytes().u16(srcPort).u16(dstPort).u16(8).u16(0).bytes();
    }

    /** The 12-byte SCTP common header. */
    public static byte[] sctp(int srcPort, int dstPort) {
        return new Bytes().u16(srcPort).u16(dstPort).u32(0xfeedbeef).u32(0).bytes();
    }

    public static byte[] concat(byte[]... parts) {
        Bytes b = new Bytes();
        for (byte[] part : parts) {
            b.put(part);
        }
        return b.bytes();
    }

    /** A link address written as {@code ip link} shows it, {@code 32:a8:80:73:a8:fb}. */
    public static byte[] mac(String text) {
        String[] octets = text.split(":");
        if (octets.length != 6) {
            throw new IllegalArgumentException("not a link address: " + text);
        }
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            mac[i] = (byte) Integer.parseInt(octets[i], 16);
        }
        return mac;
    }

    public static byte[] address(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** A big-endian byte writer. */
    public static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Bytes u8(int v) {
            out.write(v);
            return this;
        }

        public Bytes u16(int v) {
            return u8(v >>> 8).u8(v);
        }

        public Bytes u32(int v) {
            return u16(v >>> 16).u16(v);
        }

        public Bytes put(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        public byte[] bytes() {
            return out.toByteArray();
        }
    }
}
