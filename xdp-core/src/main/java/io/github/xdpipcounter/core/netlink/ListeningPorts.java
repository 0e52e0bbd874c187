package io.github.xdpipcounter.core.netlink;

import java.util.BitSet;
import java.util.Objects;

/**
 * The local ports this host serves on, per transport, as
 * {@link ListeningSockets#read()} found them. A port is in a set when at
 * least one socket of the namespace has it, whatever address it is bound
 * to (0.0.0.0, ::, 127.0.0.1 or any other). Immutable: the sets are copied
 * in and out.
 *
 * @param tcp     the TCP ports with a socket in LISTEN
 * @param udp     the UDP ports with a bound, unconnected socket
 * @param udpLite the UDP-Lite ports with a bound, unconnected socket
 */
public record ListeningPorts(BitSet tcp, BitSet udp, BitSet udpLite) {
    /** No port of any transport. */
    public static final ListeningPorts NONE = new ListeningPorts(new BitSet(), new BitSet(), new BitSet());
    private static final int MAX_PORT = 65535;

    /**
     * These ports, copied.
     *
     * @throws IllegalArgumentException when a set holds a number that is not a port (1 to 65535)
     */
    public ListeningPorts {
        tcp = checkedCopy(tcp, "TCP");
        udp = checkedCopy(udp, "UDP");
        udpLite = checkedCopy(udpLite, "UDP-Lite");
    }

    private static BitSet checkedCopy(BitSet ports, String transport) {
        BitSet copy = (BitSet) Objects.requireNonNull(ports, transport).clone();
        if (copy.get(0) || copy.length() > MAX_PORT + 1) {
            throw new IllegalArgumentException(transport + " ports must be 1 to " + MAX_PORT + ": " + copy);
        }
        return copy;
    }

    /** The TCP ports with a socket in LISTEN; a copy. */
    @Override
    public BitSet tcp() {
        return (BitSet) tcp.clone();
    }

    /** The UDP ports with a bound, unconnected socket; a copy. */
    @Override
    public BitSet udp() {
        return (BitSet) udp.clone();
    }

    /** The UDP-Lite ports with a bound, unconnected socket; a copy. */
    @Override
    public BitSet udpLite() {
        return (BitSet) udpLite.clone();
    }
}
