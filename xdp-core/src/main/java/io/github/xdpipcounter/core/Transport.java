package io.github.xdpipcounter.core;

import java.util.Locale;

import io.github.xdpipcounter.core.XdpIpCounterObject.XicTransport;

/** The transports the XDP program keys by destination port. */
public enum Transport {
    /** TCP, IP protocol 6. */
    TCP("TCP", 6, XicTransport.TCP),
    /** UDP, IP protocol 17. */
    UDP("UDP", 17, XicTransport.UDP),
    /** UDP-Lite, IP protocol 136. */
    UDP_LITE("UDP-Lite", 136, XicTransport.UDP_LITE),
    /** SCTP, IP protocol 132. */
    SCTP("SCTP", 132, XicTransport.SCTP);

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
        };
    }

    /**
     * "TCP", "UDP", "UDP-Lite" or "SCTP", as in metric labels and the JSON list.
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
     * The value of the key's transport field: its enum xic_transport value.
     *
     * @return the code
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
     * Parses a label, case-insensitively ("tcp", "UDP-Lite", "udplite").
     *
     * @param text a label, any case
     * @return the transport
     * @throws IllegalArgumentException for any other text
     */
    public static Transport parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (Transport transport : values()) {
            if (transport.label.toUpperCase(Locale.ROOT).replace("-", "").equals(t)) {
                return transport;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + text + "': expected TCP, UDP, UDP-Lite or SCTP");
    }

    @Override
    public String toString() {
        return label;
    }
}
