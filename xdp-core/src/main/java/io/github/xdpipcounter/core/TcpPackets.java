package io.github.xdpipcounter.core;

/** Which TCP segments are counted. */
public enum TcpPackets {
    /** Every segment, as a counter of traffic. */
    ALL,
    /**
     * Only segments that open a connection: SYN set and ACK clear. A
     * long-lived connection is counted in the window it started in, not in
     * every window; SYN-ACKs, resets and data are ignored as
     * {@link IgnoreReason#NOT_CONNECTION_ATTEMPT}.
     */
    CONNECTION_ATTEMPTS
}
