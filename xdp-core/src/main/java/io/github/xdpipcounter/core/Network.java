package io.github.xdpipcounter.core;

/** The network layer a source was seen on. */
public enum Network {
    IPV4("IPv4", 4),
    IPV6("IPv6", 16);

    private final String label;
    private final int addressLength;

    Network(String label, int addressLength) {
        this.label = label;
        this.addressLength = addressLength;
    }

    /** "IPv4" or "IPv6", as in metric labels and the JSON list. */
    public String label() {
        return label;
    }

    /** Address length in bytes. */
    public int addressLength() {
        return addressLength;
    }

    @Override
    public String toString() {
        return label;
    }
}
