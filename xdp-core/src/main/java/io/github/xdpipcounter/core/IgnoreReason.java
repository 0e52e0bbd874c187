package io.github.xdpipcounter.core;

import io.github.xdpipcounter.core.XdpIpCounterObject.XicIgnoreReason;

/** Why the XDP program passed a packet without counting it (enum xic_ignore_reason). */
public enum IgnoreReason {
    /** The EtherType, after at most two VLAN tags, is neither IPv4 nor IPv6. */
    NOT_IP("not_ip", XicIgnoreReason.NOT_IP),
    /**
     * The IP payload is not a tracked transport: by default anything but TCP,
     * UDP, UDP-Lite and SCTP (ICMP, ESP, ...); ICMPv6 inside IPv4 and ICMP
     * inside IPv6 never are.
     */
    TRANSPORT_NOT_TRACKED("transport_not_tracked", XicIgnoreReason.TRANSPORT_NOT_TRACKED),
    /** The destination port is not one of the selected ports (never for ICMP). */
    PORT_FILTERED("port_filtered", XicIgnoreReason.PORT_FILTERED),
    /** A non-first fragment: it carries no transport header, so no port. */
    NON_FIRST_FRAGMENT("non_first_fragment", XicIgnoreReason.NON_FIRST_FRAGMENT),
    /** A header is truncated or inconsistent, or IPv6 extension headers nest deeper than 8. */
    MALFORMED("malformed", XicIgnoreReason.MALFORMED),
    /** The source filter does not count this source (see {@link SourceFilter}). */
    SOURCE_EXCLUDED("source_excluded", XicIgnoreReason.SOURCE_EXCLUDED),
    /** The destination filter does not count this destination (see {@link DestinationFilter}). */
    NOT_FOR_THIS_HOST("not_for_this_host", XicIgnoreReason.NOT_FOR_THIS_HOST),
    /** Only connection attempts are counted, and this TCP segment lacks SYN or carries ACK. */
    NOT_CONNECTION_ATTEMPT("not_connection_attempt", XicIgnoreReason.NOT_CONNECTION_ATTEMPT);

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
            case SOURCE_EXCLUDED -> SOURCE_EXCLUDED;
            case NOT_FOR_THIS_HOST -> NOT_FOR_THIS_HOST;
            case NOT_CONNECTION_ATTEMPT -> NOT_CONNECTION_ATTEMPT;
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
