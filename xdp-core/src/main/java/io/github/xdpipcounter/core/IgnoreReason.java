package io.github.xdpipcounter.core;

import io.github.xdpipcounter.core.XdpIpCounterObject.XicIgnoreReason;

/** Why the XDP program passed a packet without counting it (enum xic_ignore_reason). */
public enum IgnoreReason {
    /** The EtherType, after at most two VLAN tags, is neither IPv4 nor IPv6. */
    NOT_IP("not_ip", XicIgnoreReason.NOT_IP),
    /** The IP payload is not TCP, UDP, UDP-Lite or SCTP (ICMP, ESP, ...). */
    TRANSPORT_NOT_TRACKED("transport_not_tracked", XicIgnoreReason.TRANSPORT_NOT_TRACKED),
    /** The destination port is not one of the selected ports. */
    PORT_FILTERED("port_filtered", XicIgnoreReason.PORT_FILTERED),
    /** A non-first fragment: it carries no transport header, so no port. */
    NON_FIRST_FRAGMENT("non_first_fragment", XicIgnoreReason.NON_FIRST_FRAGMENT),
    /** A header is truncated or inconsistent, or IPv6 extension headers nest deeper than 8. */
    MALFORMED("malformed", XicIgnoreReason.MALFORMED);

    private final String label;
    private final XicIgnoreReason twin;

    IgnoreReason(String label, XicIgnoreReason twin) {
        this.label = label;
        this.twin = twin;
    }

    /**
     * The reason of a C enum value. The switch has no default: a reason added
     * to enum xic_ignore_reason and not here fails the build.
     */
    static IgnoreReason of(XicIgnoreReason twin) {
        return switch (twin) {
            case NOT_IP -> NOT_IP;
            case TRANSPORT_NOT_TRACKED -> TRANSPORT_NOT_TRACKED;
            case PORT_FILTERED -> PORT_FILTERED;
            case NON_FIRST_FRAGMENT -> NON_FIRST_FRAGMENT;
            case MALFORMED -> MALFORMED;
        };
    }

    /**
     * A snake_case name for metric labels.
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    /**
     * The index in xic_stats.ignored: its enum xic_ignore_reason value.
     *
     * @return the code
     */
    public int code() {
        return twin.code();
    }
}
