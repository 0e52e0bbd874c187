package io.github.xdpipcounter.core;

/** Why the XDP program passed a packet without counting it (enum xic_ignore_reason). */
public enum IgnoreReason {
    /** The EtherType, after at most two VLAN tags, is neither IPv4 nor IPv6. */
    NOT_IP("not_ip"),
    /** The IP payload is not TCP, UDP, UDP-Lite or SCTP (ICMP, ESP, ...). */
    TRANSPORT_NOT_TRACKED("transport_not_tracked"),
    /** The destination port is not one of the selected ports. */
    PORT_FILTERED("port_filtered"),
    /** A non-first fragment: it carries no transport header, so no port. */
    NON_FIRST_FRAGMENT("non_first_fragment"),
    /** A header is truncated or inconsistent, or IPv6 extension headers nest deeper than 8. */
    MALFORMED("malformed");

    private final String label;

    IgnoreReason(String label) {
        this.label = label;
    }

    /** A snake_case name for metric labels. */
    public String label() {
        return label;
    }

    /** The index in xic_stats.ignored: the ordinal. */
    public int code() {
        return ordinal();
    }
}
