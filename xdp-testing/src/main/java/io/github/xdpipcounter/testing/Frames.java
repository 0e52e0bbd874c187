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
    /** EtherType of IPv4. */
    public static final int ETH_P_IP = 0x0800;
    /** EtherType of IPv6. */
    public static final int ETH_P_IPV6 = 0x86dd;
    /** EtherType of ARP. */
    public static final int ETH_P_ARP = 0x0806;
    /** TPID of an 802.1Q VLAN tag. */
    public static final int ETH_P_8021Q = 0x8100;
    /** TPID of an 802.1ad (QinQ) VLAN tag. */
    public static final int ETH_P_8021AD = 0x88a8;

    /** IPv6 hop-by-hop options header. */
    public static final int IPPROTO_HOPOPTS = 0;
    /** ICMP. */
    public static final int IPPROTO_ICMP = 1;
    /** TCP. */
    public static final int IPPROTO_TCP = 6;
    /** UDP. */
    public static final int IPPROTO_UDP = 17;
    /** IPv6 routing header. */
    public static final int IPPROTO_ROUTING = 43;
    /** IPv6 fragment header. */
    public static final int IPPROTO_FRAGMENT = 44;
    /** ESP. */
    public static final int IPPROTO_ESP = 50;
    /** Authentication header. */
    public static final int IPPROTO_AH = 51;
    /** ICMPv6. */
    public static final int IPPROTO_ICMPV6 = 58;
    /** IPv6 "no next header". */
    public static final int IPPROTO_NONE = 59;
    /** IPv6 destination options header. */
    public static final int IPPROTO_DSTOPTS = 60;
    /** SCTP. */
    public static final int IPPROTO_SCTP = 132;
    /** UDP-Lite. */
    public static final int IPPROTO_UDPLITE = 136;

    private Frames() {
    }

    /**
     * Ethernet header, then a VLAN tag per TPID in {@code vlanTpids}, then {@code payload}.
     *
     * @param vlanTpids the TPIDs of the VLAN tags, outermost first
     * @param etherType the EtherType after the tags
     * @param payload   what follows
     * @return the frame
     */
    public static byte[] ethernet(int[] vlanTpids, int etherType, byte[] payload) {
        return ethernet(new byte[] {2, 0, 0, 0, 0, 1}, new byte[] {2, 0, 0, 0, 0, 2}, vlanTpids, etherType, payload);
    }

    /**
     * An Ethernet frame between two real link addresses (see {@link #mac}), as a host would send it.
     *
     * @param destination the destination link address
     * @param source      the source link address
     * @param etherType   the EtherType
     * @param payload     what follows
     * @return the frame
     */
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

    /**
     * An Ethernet frame between two made-up link addresses, untagged.
     *
     * @param etherType the EtherType
     * @param payload   what follows
     * @return the frame
     */
    public static byte[] ethernet(int etherType, byte[] payload) {
        return ethernet(new int[0], etherType, payload);
    }

    /**
     * An IPv4 header with {@code optionBytes} (a multiple of 4, up to 40) of
     * options and the given flags+offset field, then {@code payload}.
     *
     * @param src            the source address literal
     * @param dst            the destination address literal
     * @param protocol       the IP protocol
     * @param optionBytes    bytes of options
     * @param flagsAndOffset the flags and fragment offset field
     * @param payload        what follows
     * @return the packet
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

    /**
     * An IPv4 header without options, "don't fragment", then {@code payload}.
     *
     * @param src      the source address literal
     * @param dst      the destination address literal
     * @param protocol the IP protocol
     * @param payload  what follows
     * @return the packet
     */
    public static byte[] ipv4(String src, String dst, int protocol, byte[] payload) {
        return ipv4(src, dst, protocol, 0, 0x4000, payload);
    }

    /**
     * An IPv6 header; {@code payload} starts with any extension headers.
     *
     * @param src        the source address literal
     * @param dst        the destination address literal
     * @param nextHeader the next header
     * @param payload    what follows
     * @return the packet
     */
    public static byte[] ipv6(String src, String dst, int nextHeader, byte[] payload) {
        Bytes b = new Bytes();
        b.u32(0x60000000).u16(payload.length).u8(nextHeader).u8(64).put(address(src)).put(address(dst));
        return b.put(payload).bytes();
    }

    /**
     * Hop-by-hop, routing or destination options: (hdrExtLen + 1) * 8 bytes.
     *
     * @param nextHeader the next header
     * @param hdrExtLen  its length field
     * @return the header
     */
    public static byte[] ipv6Options(int nextHeader, int hdrExtLen) {
        Bytes b = new Bytes().u8(nextHeader).u8(hdrExtLen);
        for (int i = 2; i < (hdrExtLen + 1) * 8; i++) {
            b.u8(i == 2 ? 1 : 0);
        }
        return b.bytes();
    }

    /**
     * A fragment header: offset in 8-byte units, M flag.
     *
     * @param nextHeader  the next header
     * @param offsetUnits the fragment offset
     * @param more        the M flag
     * @return the header
     */
    public static byte[] ipv6Fragment(int nextHeader, int offsetUnits, boolean more) {
        return new Bytes().u8(nextHeader).u8(0).u16((offsetUnits << 3) | (more ? 1 : 0)).u32(0xabcd).bytes();
    }

    /**
     * An authentication header: (payloadLen + 2) * 4 bytes.
     *
     * @param nextHeader the next header
     * @param payloadLen its length field
     * @return the header
     */
    public static byte[] ipv6Auth(int nextHeader, int payloadLen) {
        Bytes b = new Bytes().u8(nextHeader).u8(payloadLen).u16(0);
        for (int i = 4; i < (payloadLen + 2) * 4; i++) {
            b.u8(0x55);
        }
        return b.bytes();
    }

    /** TCP flag FIN. */
    public static final int TCP_FIN = 0x01;
    /** TCP flag SYN. */
    public static final int TCP_SYN = 0x02;
    /** TCP flag RST. */
    public static final int TCP_RST = 0x04;
    /** TCP flag PSH. */
    public static final int TCP_PSH = 0x08;
    /** TCP flag ACK. */
    public static final int TCP_ACK = 0x10;

    /**
     * A 20-byte TCP header of a SYN.
     *
     * @param srcPort the source port
     * @param dstPort the destination port
     * @return the header
     */
    public static byte[] tcp(int srcPort, int dstPort) {
        return tcp(srcPort, dstPort, TCP_SYN);
    }

    /**
     * A 20-byte TCP header with these flags.
     *
     * @param srcPort the source port
     * @param dstPort the destination port
     * @param flags   TCP flags, e.g. {@code TCP_SYN | TCP_ACK}
     * @return the header
     */
    public static byte[] tcp(int srcPort, int dstPort, int flags) {
        return new Bytes().u16(srcPort).u16(dstPort).u32(1).u32(0).u8(0x50).u8(flags).u16(64240).u16(0).u16(0).bytes();
    }

    /**
     * An ICMP or ICMPv6 message: type, code, a zero checksum and 4 more
     * bytes (echo identifier and sequence).
     *
     * @param type the message type
     * @param code the message code
     * @return the message
     */
    public static byte[] icmp(int type, int code) {
        return new Bytes().u8(type).u8(code).u16(0).u16(0x1234).u16(1).bytes();
    }

    /**
     * A UDP header and {@code payloadBytes} zero bytes.
     *
     * @param srcPort      the source port
     * @param dstPort      the destination port
     * @param payloadBytes the payload's length
     * @return the datagram
     */
    public static byte[] udp(int srcPort, int dstPort, int payloadBytes) {
        return new Bytes().u16(srcPort).u16(dstPort).u16(8 + payloadBytes).u16(0).put(new byte[payloadBytes]).bytes();
    }

    /**
     * UDP-Lite: the UDP layout with a checksum coverage field for a length.
     *
     * @param srcPort the source port
     * @param dstPort the destination port
     * @return the header
     */
    public static byte[] udpLite(int srcPort, int dstPort) {
        return new Bytes().u16(srcPort).u16(dstPort).u16(8).u16(0).bytes();
    }

    /**
     * The 12-byte SCTP common header.
     *
     * @param srcPort the source port
     * @param dstPort the destination port
     * @return the header
     */
    public static byte[] sctp(int srcPort, int dstPort) {
        return new Bytes().u16(srcPort).u16(dstPort).u32(0xfeedbeef).u32(0).bytes();
    }

    /**
     * The parts one after the other.
     *
     * @param parts the parts
     * @return their concatenation
     */
    public static byte[] concat(byte[]... parts) {
        Bytes b = new Bytes();
        for (byte[] part : parts) {
            b.put(part);
        }
        return b.bytes();
    }

    /**
     * A link address written as {@code ip link} shows it, {@code 32:a8:80:73:a8:fb}.
     *
     * @param text the address
     * @return its 6 bytes
     */
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

    /**
     * The bytes of an address literal, network order: 4 for IPv4, 16 for
     * IPv6, IPv4-mapped ones (::ffff:10.0.0.1) included.
     *
     * @param literal an IPv4 or IPv6 address literal
     * @return 4 or 16 bytes
     */
    public static byte[] address(String literal) {
        try {
            byte[] bytes = InetAddress.getByName(literal).getAddress();
            // InetAddress turns an IPv4-mapped literal into 4 bytes; an IPv6 packet carries 16 (::ffff:a.b.c.d).
            boolean mapped = literal.contains(":") && bytes.length == 4;
            return mapped ? new Bytes().u32(0).u32(0).u16(0).u16(0xffff).put(bytes).bytes() : bytes;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + literal, e);
        }
    }

    /**
     * A big-endian byte writer.
     */
    public static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /** An empty writer. */
        public Bytes() {
        }

        /**
         * Writes one byte.
         *
         * @param v the byte, in its low 8 bits
         * @return this writer
         */
        public Bytes u8(int v) {
            out.write(v);
            return this;
        }

        /**
         * Writes 16 bits, big-endian.
         *
         * @param v the value, in its low 16 bits
         * @return this writer
         */
        public Bytes u16(int v) {
            return u8(v >>> 8).u8(v);
        }

        /**
         * Writes 32 bits, big-endian.
         *
         * @param v the value
         * @return this writer
         */
        public Bytes u32(int v) {
            return u16(v >>> 16).u16(v);
        }

        /**
         * Writes bytes as they are.
         *
         * @param bytes the bytes
         * @return this writer
         */
        public Bytes put(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        /**
         * What was written.
         *
         * @return the bytes
         */
        public byte[] bytes() {
            return out.toByteArray();
        }
    }
}
