package io.github.xdpipcounter.exporter;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import io.github.xdpipcounter.core.Network;
import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.Source;
import io.github.xdpipcounter.core.Transport;

/**
 * The filters of a /list request: {@code network}, {@code transport},
 * {@code port} and {@code limit}, each optional, each at most once.
 *
 * @param network   only this network, or null for both
 * @param transport only this transport, or null for all
 * @param port      only this destination port, or -1 for all
 * @param limit     at most this many sources
 */
record ListQuery(Network network, Transport transport, int port, long limit) {
    static final ListQuery ALL = new ListQuery(null, null, -1, Long.MAX_VALUE);

    /** Thrown for a query a client got wrong; the message is the one-line answer. */
    static final class BadQueryException extends Exception {
        BadQueryException(String message) {
            super(message);
        }
    }

    boolean matches(Source source) {
        return (network == null || source.network() == network)
                && (transport == null || source.transport() == transport)
                && (port < 0 || source.port() == port);
    }

    /** Parses a raw (still percent-encoded) query string; null or empty means no filter. */
    static ListQuery parse(String rawQuery) throws BadQueryException {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return ALL;
        }
        Network network = null;
        Transport transport = null;
        int port = -1;
        long limit = Long.MAX_VALUE;
        Set<String> given = new HashSet<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!given.add(name)) {
                throw new BadQueryException("query parameter '" + name + "' is given more than once");
            }
            switch (name) {
                case "network" -> network = network(value);
                case "transport" -> transport = transport(value);
                case "port" -> port = (int) number(name, value, PortSelection.MAX_PORT, "a port, 0-65535");
                case "limit" -> limit = number(name, value, Long.MAX_VALUE, "a count, 0 or more");
                default -> throw new BadQueryException("unknown query parameter '" + name
                        + "': the filters are network, transport, port and limit");
            }
        }
        return new ListQuery(network, transport, port, limit);
    }

    private static Network network(String value) throws BadQueryException {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "ipv4", "4" -> Network.IPV4;
            case "ipv6", "6" -> Network.IPV6;
            default -> throw new BadQueryException("bad network '" + value + "': use IPv4 or IPv6");
        };
    }

    private static Transport transport(String value) throws BadQueryException {
        try {
            return Transport.parse(value);
        } catch (IllegalArgumentException e) {
            throw new BadQueryException("bad transport '" + value + "': use TCP, UDP, UDP-Lite, SCTP, ICMP or ICMPv6");
        }
    }

    /**
     * ASCII digits only: Long.parseLong also takes a sign and any Unicode
     * digit (port=+22, port=٣٠٣١), which a proxy or log reader would not
     * read as the same number.
     */
    private static long number(String name, String value, long max, String expected) throws BadQueryException {
        boolean digits = !value.isEmpty() && value.length() <= 19;
        for (int i = 0; digits && i < value.length(); i++) {
            char c = value.charAt(i);
            digits = c >= '0' && c <= '9';
        }
        if (digits) {
            long n = Long.parseLong(value);
            if (n <= max) {
                return n;
            }
        }
        throw new BadQueryException("bad " + name + " '" + value + "': expected " + expected);
    }

    private static String decode(String text) throws BadQueryException {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadQueryException("malformed percent-encoding in '" + text + "'");
        }
    }
}
