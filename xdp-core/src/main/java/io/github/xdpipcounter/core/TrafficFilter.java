package io.github.xdpipcounter.core;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the XDP program counts, besides the ports ({@link PortSelection}):
 * the transports, which TCP segments, which destinations and which
 * sources. Checked in the program, before any map update, in this order:
 * transport, port, TCP segment, destination, source; the first check that
 * fails gives the packet's {@link IgnoreReason}. Immutable.
 *
 * @param sources      which sources are counted
 * @param destinations which destinations are counted
 * @param transports   which transports are counted (at least one), in enum order
 * @param tcp          which TCP segments are counted
 */
public record TrafficFilter(SourceFilter sources, DestinationFilter destinations, Set<Transport> transports,
                            TcpPackets tcp) {
    /**
     * Prefixes the program holds per network for the source filter (each
     * include and exclude block, and 0.0.0.0/0 or ::/0 when there is no
     * include set), and as many for the destination filter (each block and,
     * with {@link DestinationFilter#localAddresses()}, each local and
     * broadcast address). A larger filter is refused with an
     * {@link IllegalArgumentException} when it is applied.
     */
    public static final int MAX_BLOCKS_PER_NETWORK = 16_384;

    /** What the program counted before filters existed: TCP, UDP, UDP-Lite and SCTP, every packet. */
    public static final TrafficFilter DEFAULT = new TrafficFilter(SourceFilter.ALL, DestinationFilter.ANY,
            Transport.DEFAULT_TRACKED, TcpPackets.ALL);

    /**
     * Checks and copies the components.
     *
     * @param sources      which sources are counted
     * @param destinations which destinations are counted
     * @param transports   the transports counted: at least one
     * @param tcp          which TCP packets are counted
     * @throws IllegalArgumentException for no transport
     */
    public TrafficFilter {
        Objects.requireNonNull(sources, "sources");
        Objects.requireNonNull(destinations, "destinations");
        Objects.requireNonNull(tcp, "tcp");
        if (transports == null || transports.isEmpty()) {
            throw new IllegalArgumentException("at least one transport must be counted");
        }
        transports = Collections.unmodifiableSet(EnumSet.copyOf(transports));
    }

    /**
     * This filter with another source filter.
     *
     * @param value the new source filter
     * @return the new filter
     */
    public TrafficFilter withSources(SourceFilter value) {
        return new TrafficFilter(value, destinations, transports, tcp);
    }

    /**
     * This filter with another destination filter.
     *
     * @param value the new destination filter
     * @return the new filter
     */
    public TrafficFilter withDestinations(DestinationFilter value) {
        return new TrafficFilter(sources, value, transports, tcp);
    }

    /**
     * This filter with another transports counted.
     *
     * @param value the new transports counted
     * @return the new filter
     */
    public TrafficFilter withTransports(Set<Transport> value) {
        return new TrafficFilter(sources, destinations, value, tcp);
    }

    /**
     * This filter with another TCP packets counted.
     *
     * @param value the new TCP packets counted
     * @return the new filter
     */
    public TrafficFilter withTcp(TcpPackets value) {
        return new TrafficFilter(sources, destinations, transports, value);
    }

    /**
     * True when this filter counts what {@link #DEFAULT} counts.
     *
     * @return true when this filter counts what {@link #DEFAULT} counts
     */
    public boolean isDefault() {
        return equals(DEFAULT);
    }

    /** {@code transports TCP,UDP tcp syn destinations local sources exclude 10.0.0.0/8}: the parts that differ from the default. */
    @Override
    public String toString() {
        if (isDefault()) {
            return "default";
        }
        StringBuilder text = new StringBuilder();
        if (!transports.equals(Transport.DEFAULT_TRACKED)) {
            text.append("transports ").append(transports.stream().map(Transport::label)
                    .collect(Collectors.joining(",")));
        }
        if (tcp == TcpPackets.CONNECTION_ATTEMPTS) {
            text.append(text.isEmpty() ? "" : " ").append("tcp syn");
        }
        if (!destinations.isAny()) {
            text.append(text.isEmpty() ? "" : " ").append("destinations ").append(destinations);
        }
        if (!sources.isAll()) {
            text.append(text.isEmpty() ? "" : " ").append("sources ").append(sources);
        }
        return text.toString();
    }
}
