package io.github.xdpipcounter.core;

/** The network layer a source was seen on. */
public enum Network {
    /** IPv4: 4-byte addresses. */
    IPV4,
    /** IPv6: 16-byte addresses. */
    IPV6;

    /**
     * "IPv4" or "IPv6", as in metric labels and the JSON list.
     *
     * @return the label
     */
    public String label() {
        return this == IPV4 ? "IPv4" : "IPv6";
    }

    /**
     * Address length in bytes.
     *
     * @return 4 or 16
     */
    public int addressLength() {
        return this == IPV4 ? 4 : 16;
    }

    @Override
    public String toString() {
        return label();
    }
}
