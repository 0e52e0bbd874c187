package io.github.xdpipcounter.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The destination ports to count: every port, or any number of ports and
 * inclusive ranges, and/or the ports this host listens on. Immutable. The
 * XDP program checks it in O(1) per packet against a 65,536-bit bitmap per
 * transport. It applies to TCP, UDP, UDP-Lite and SCTP; ICMP is never port
 * filtered.
 *
 * <p>The listening ports are those of the TCP sockets in LISTEN and of the
 * bound UDP and UDP-Lite sockets of the network namespace an
 * {@link IpCounter} runs in, read when it starts and again at every window
 * boundary: each transport counts its own listening ports (a TCP listener on
 * 8080 does not select UDP 8080), and explicit ports count on every
 * transport.
 */
public final class PortSelection {
    /** The highest port. */
    public static final int MAX_PORT = 65535;
    private static final PortSelection ALL = new PortSelection(null, false);
    private static final PortSelection LISTENING = new PortSelection(new BitSet(), true);

    /** Null means every port. */
    private final BitSet ports;
    private final boolean listening;

    private PortSelection(BitSet ports, boolean listening) {
        this.ports = ports;
        this.listening = listening;
    }

    /**
     * Every port, 0 to 65535.
     *
     * @return the selection of every port
     */
    public static PortSelection all() {
        return ALL;
    }

    /**
     * The ports this host listens on, per transport, as they are now and later.
     *
     * @return the selection
     */
    public static PortSelection listening() {
        return LISTENING;
    }

    /**
     * Exactly these ports.
     *
     * @param ports ports, 0-65535
     * @return the selection
     */
    public static PortSelection of(int... ports) {
        if (ports.length == 0) {
            throw new IllegalArgumentException("a port selection needs at least one port");
        }
        BitSet set = new BitSet(MAX_PORT + 1);
        for (int port : ports) {
            set.set(checkPort(port, String.valueOf(port)));
        }
        return new PortSelection(set, false);
    }

    /**
     * These explicit ports, and the listening ones too. Every port stays every port.
     *
     * @return the selection
     */
    public PortSelection plusListening() {
        return ports == null ? this : new PortSelection(ports, true);
    }

    /**
     * Parses the command-line form: comma-separated ports and inclusive
     * ranges, {@code 22,80,8000-8100}; a lone {@code 0} means every port.
     *
     * @param text the selection, e.g. {@code 22,80,8000-8100}
     * @return the selection
     * @throws IllegalArgumentException naming the bad element and the accepted form
     */
    public static PortSelection parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("empty port list: expected ports and ranges like 22,80,8000-8100, or 0 for all");
        }
        if (trimmed.equals("0")) {
            return ALL;
        }
        BitSet set = new BitSet(MAX_PORT + 1);
        for (String element : trimmed.split(",", -1)) {
            String e = element.trim();
            if (e.isEmpty()) {
                throw new IllegalArgumentException("empty element in port list '" + text
                        + "': expected ports and ranges like 22,80,8000-8100");
            }
            int dash = e.indexOf('-');
            if (dash < 0) {
                int port = parsePort(e, text);
                if (port == 0) {
                    throw new IllegalArgumentException("port 0 in list '" + text + "': 0 alone means every port; ports are 1-65535");
                }
                set.set(port);
            } else {
                int from = parsePort(e.substring(0, dash).trim(), text);
                int to = parsePort(e.substring(dash + 1).trim(), text);
                if (from == 0 || to == 0) {
                    throw new IllegalArgumentException("range '" + e + "' includes port 0: ports are 1-65535");
                }
                if (from > to) {
                    throw new IllegalArgumentException("reversed range '" + e + "': write the lower port first, e.g. "
                            + to + "-" + from);
                }
                set.set(from, to + 1);
            }
        }
        return new PortSelection(set, false);
    }

    private static int parsePort(String s, String whole) {
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit) || s.length() > 5) {
            throw new IllegalArgumentException("'" + s + "' in port list '" + whole
                    + "' is not a port: expected numbers 1-65535 and ranges like 8000-8100");
        }
        return checkPort(Integer.parseInt(s), s);
    }

    private static int checkPort(int port, String text) {
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("port " + text + " is out of range: ports are 1-65535");
        }
        return port;
    }

    /**
     * True when every port is counted.
     *
     * @return whether every port is selected
     */
    public boolean isAll() {
        return ports == null;
    }

    /**
     * True when the ports this host listens on are counted (besides any explicit ones).
     *
     * @return true when the ports this host listens on are counted (besides any explicit ones)
     */
    public boolean isListening() {
        return listening;
    }

    /**
     * Whether {@code port} is selected explicitly (or every port is). The
     * listening ports are known only at run time: they are not included.
     *
     * @param port a port
     * @return whether {@code port} is selected explicitly (or every port is)
     */
    public boolean contains(int port) {
        return port >= 0 && port <= MAX_PORT && (ports == null || ports.get(port));
    }

    /**
     * The explicitly selected ports in ascending order; empty when {@link #isAll()}.
     *
     * @return the explicitly selected ports in ascending order
     */
    public IntStream explicitPorts() {
        return ports == null ? IntStream.empty() : ports.stream();
    }

    /**
     * The bitmap the XDP program reads: bit p of word p / 64 set for each
     * explicitly selected port.
     */
    long[] toBitmap(int words) {
        return toBitmap(words, new BitSet());
    }

    /** As {@link #toBitmap(int)}, with {@code listeningPorts} as well when {@link #isListening()}. */
    long[] toBitmap(int words, BitSet listeningPorts) {
        long[] bitmap = new long[words];
        if (ports == null) {
            Arrays.fill(bitmap, -1L);
        } else {
            BitSet set = (BitSet) ports.clone();
            if (listening) {
                set.or(listeningPorts);
            }
            long[] longs = set.toLongArray();
            System.arraycopy(longs, 0, bitmap, 0, Math.min(longs.length, words));
        }
        return bitmap;
    }

    /**
     * The canonical text form, e.g. {@code 22,80,8000-8100}, {@code listening},
     * {@code listening,8080}, or {@code 0} for every port.
     */
    @Override
    public String toString() {
        if (ports == null) {
            return "0";
        }
        List<String> parts = new ArrayList<>();
        if (listening) {
            parts.add("listening");
        }
        int from = ports.nextSetBit(0);
        while (from >= 0) {
            int to = ports.nextClearBit(from) - 1;
            parts.add(from == to ? String.valueOf(from) : from + "-" + to);
            from = ports.nextSetBit(to + 1);
        }
        return String.join(",", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PortSelection other && Objects.equals(ports, other.ports) && listening == other.listening;
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(ports) * 31 + Boolean.hashCode(listening);
    }
}
