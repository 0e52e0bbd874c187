package io.github.xdpipcounter.core;

/** The transports the XDP program keys by destination port. */
public enum Transport {
    TCP("TCP", 6),
    UDP("UDP", 17),
    UDP_LITE("UDP-Lite", 136),
    SCTP("SCTP", 132);

    private static final Transport[] BY_CODE = values();

    private final String label;
    private final int ipProtocol;

    Transport(String label, int ipProtocol) {
        this.label = label;
        this.ipProtocol = ipProtocol;
    }

    /** "TCP", "UDP", "UDP-Lite" or "SCTP", as in metric labels and the JSON list. */
    public String label() {
        return label;
    }

    /** The IP protocol number (IPv4 protocol, IPv6 next header). */
    public int ipProtocol() {
        return ipProtocol;
    }

    /** The value of the key's transport field (enum xic_transport): the ordinal. */
    public int code() {
        return ordinal();
    }

    static Transport ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown transport code " + code);
        }
        return BY_CODE[code];
    }

    /** Parses a label, case-insensitively ("tcp", "UDP-Lite", "udplite"). */
    public static Transport parse(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT).replace("-", "").replace("_", "");
        for (Transport transport : values()) {
            if (transport.label.toUpperCase(java.util.Locale.ROOT).replace("-", "").equals(t)) {
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
