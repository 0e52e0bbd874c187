package io.github.xdpipcounter.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The destination ports to count: every port, or any number of ports and
 * inclusive ranges. Immutable. The XDP program checks it in O(1) per packet
 * against a 65,536-bit bitmap per transport.
 */
public final class PortSelection {
    /** The highest port. */
    public static final int MAX_PORT = 65535;
    private static final PortSelection ALL = new PortSelection(null);

    /** Null means every port. */
    private final BitSet ports;

    private PortSelection(BitSet ports) {
        this.ports = ports;
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
     * Exactly these ports.
     *
     * @param ports ports, 0-65535, at least one
     * @return the selection
     * @throws IllegalArgumentException for no port or one out of range
     */
    public static PortSelection of(int... ports) {
        if (ports.length == 0) {
            throw new IllegalArgumentException("a port selection needs at least one port");
        }
        BitSet set = new BitSet(MAX_PORT + 1);
        for (int port : ports) {
            set.set(checkPort(port, String.valueOf(port)));
        }
        return new PortSelection(set);
    }

    /**
     * Parses the command-line form: comma-separated ports and inclusive
     * ranges, {@code 22,80,8000-8100}; a lone {@code 0} means every port.
     *
     * @throws IllegalArgumentException naming the bad element and the accepted form
     *
     * @param text the selection, e.g. {@code 22,80,8000-8100}
     * @return the selection
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
        return new PortSelection(set);
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
     * Whether a port is selected.
     *
     * @param port a port
     * @return true when selected (any port 0-65535 when {@link #isAll()})
     */
    public boolean contains(int port) {
        return port >= 0 && port <= MAX_PORT && (ports == null || ports.get(port));
    }

    /**
     * The selected ports in ascending order; empty when {@link #isAll()}.
     *
     * @return the ports
     */
    public IntStream explicitPorts() {
        return ports == null ? IntStream.empty() : ports.stream();
    }

    /** The bitmap the XDP program reads: bit p of word p / 64 set for each selected port. */
    long[] toBitmap(int words) {
        long[] bitmap = new long[words];
        if (ports == null) {
            Arrays.fill(bitmap, -1L);
        } else {
            long[] set = ports.toLongArray();
            System.arraycopy(set, 0, bitmap, 0, Math.min(set.length, words));
        }
        return bitmap;
    }

    /** The canonical text form, e.g. {@code 22,80,8000-8100}, or {@code 0} for every port. */
    @Override
    public String toString() {
        if (ports == null) {
            return "0";
        }
        List<String> parts = new ArrayList<>();
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
        return o instanceof PortSelection other && Objects.equals(ports, other.ports);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(ports);
    }
}
