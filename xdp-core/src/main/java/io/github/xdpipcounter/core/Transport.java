package io.github.xdpipcounter.core;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import io.github.xdpipcounter.core.XdpIpCounterObject.XicTransport;

/**
 * The transports the XDP program counts. TCP, UDP, UDP-Lite and SCTP are
 * keyed by destination port; ICMP (IPv4 only) and ICMPv6 (IPv6 only) carry
 * the message type where the port would be, as Zeek's conn.log and NetFlow
 * do (type 8 is an IPv4 echo request, 128 an ICMPv6 one), and are never
 * port filtered.
 */
public enum Transport {
    /** TCP, IP protocol 6. */
    TCP("TCP", 6, XicTransport.TCP),
    /** UDP, IP protocol 17. */
    UDP("UDP", 17, XicTransport.UDP),
    /** UDP-Lite, IP protocol 136. */
    UDP_LITE("UDP-Lite", 136, XicTransport.UDP_LITE),
    /** SCTP, IP protocol 132. */
    SCTP("SCTP", 132, XicTransport.SCTP),
    /** ICMP, IP protocol 1: rows carry the ICMP type where the port would be. */
    ICMP("ICMP", 1, XicTransport.ICMP),
    /** ICMPv6, IPv6 next header 58: rows carry the ICMPv6 type where the port would be. */
    ICMPV6("ICMPv6", 58, XicTransport.ICMPV6);

    /** What the program counts unless told otherwise: the four transports with ports. */
    public static final Set<Transport> DEFAULT_TRACKED = Collections.unmodifiableSet(EnumSet.of(TCP, UDP, UDP_LITE, SCTP));

    private static final Transport[] BY_CODE = new Transport[XicTransport.values().length];

    static {
        for (XicTransport twin : XicTransport.values()) {
            BY_CODE[twin.code()] = of(twin);
        }
    }

    private final String label;
    private final int ipProtocol;
    private final XicTransport twin;

    Transport(String label, int ipProtocol, XicTransport twin) {
        this.label = label;
        this.ipProtocol = ipProtocol;
        this.twin = twin;
    }

    /**
     * The transport of a C enum value. The switch has no default: a transport
     * added to enum xic_transport and not here fails the build.
     */
    private static Transport of(XicTransport twin) {
        return switch (twin) {
            case TCP -> TCP;
            case UDP -> UDP;
            case UDP_LITE -> UDP_LITE;
            case SCTP -> SCTP;
            case ICMP -> ICMP;
            case ICMPV6 -> ICMPV6;
        };
    }

    /**
     * "TCP", "UDP", "UDP-Lite", "SCTP", "ICMP" or "ICMPv6", as in metric labels and the JSON list.
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    /**
     * The IP protocol number (IPv4 protocol, IPv6 next header).
     *
     * @return the protocol number
     */
    public int ipProtocol() {
        return ipProtocol;
    }

    /**
     * True for the transports keyed by destination port; false for ICMP and ICMPv6, keyed by type.
     *
     * @return true for the transports keyed by destination port
     */
    public boolean hasPorts() {
        return this != ICMP && this != ICMPV6;
    }

    /**
     * The value of the key's transport field: its enum xic_transport value.
     *
     * @return the value of the key's transport field
     */
    public int code() {
        return twin.code();
    }

    static Transport ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown transport code " + code);
        }
        return BY_CODE[code];
    }

    /**
     * Parses a label, case-insensitively ("tcp", "UDP-Lite", "udplite", "icmpv6").
     *
     * @param text the text to parse
     * @return the transport
     */
    public static Transport parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (Transport transport : values()) {
            if (transport.label.toUpperCase(Locale.ROOT).replace("-", "").equals(t)) {
                return transport;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + text + "': expected TCP, UDP, UDP-Lite, SCTP, ICMP or ICMPv6");
    }

    @Override
    public String toString() {
        return label;
    }
}
