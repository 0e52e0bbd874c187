package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which destinations are counted: any, or only this host's own addresses
 * and/or the given blocks. A packet to another destination (forwarded,
 * bridged, or seen for another host) is passed and counted as ignored,
 * {@link IgnoreReason#NOT_FOR_THIS_HOST}. Immutable.
 *
 * <p>"This host's addresses" are, for an {@link IpCounter}, every address
 * of every interface of the network namespace it runs in, the directed
 * broadcast address of each IPv4 interface address, and 255.255.255.255,
 * kept up to date while it runs. Multicast groups are not among them: a
 * router forwards multicast too, so a host that wants its multicast
 * traffic counted adds {@code 224.0.0.0/4} and {@code ff00::/8} as blocks.
 *
 * @param local  whether this host's own addresses are counted
 * @param blocks further destinations counted (kept sorted)
 */
public record DestinationFilter(boolean local, Set<AddressBlock> blocks) {
    /** Every destination is counted. */
    public static final DestinationFilter ANY = new DestinationFilter(false, Set.of());

    /**
     * Sorts and copies the blocks.
     *
     * @param local  whether this host's own addresses are counted destinations
     * @param blocks further counted destinations
     */
    public DestinationFilter {
        blocks = SourceFilter.sorted(blocks, "blocks");
    }

    /**
     * Only this host's own addresses.
     *
     * @return the filter
     */
    public static DestinationFilter localAddresses() {
        return new DestinationFilter(true, Set.of());
    }

    /**
     * Only destinations in {@code blocks}.
     *
     * @param blocks address blocks
     * @return the filter
     */
    public static DestinationFilter of(Collection<AddressBlock> blocks) {
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("a destination filter needs at least one block; ANY counts every destination");
        }
        return new DestinationFilter(false, Set.copyOf(blocks));
    }

    /**
     * Only destinations in {@code blocks}.
     *
     * @param blocks address blocks
     * @return the filter
     */
    public static DestinationFilter of(AddressBlock... blocks) {
        return of(List.of(blocks));
    }

    /**
     * This filter, also counting {@code more} blocks.
     *
     * @param more further address blocks
     * @return this filter, also counting {@code more} blocks
     */
    public DestinationFilter plus(Collection<AddressBlock> more) {
        Set<AddressBlock> all = new HashSet<>(blocks);
        all.addAll(more);
        return new DestinationFilter(local, all);
    }

    /**
     * True when every destination is counted.
     *
     * @return true when every destination is counted
     */
    public boolean isAny() {
        return !local && blocks.isEmpty();
    }

    /**
     * Whether a packet to {@code destination} is counted, when this host's
     * addresses (broadcast addresses included) are {@code localAddresses}.
     *
     * @param destination a destination address
     * @param localAddresses this host's addresses
     * @return whether a packet to {@code destination} is counted
     */
    public boolean counts(InetAddress destination, Set<InetAddress> localAddresses) {
        return isAny() || (local && localAddresses.contains(destination))
                || blocks.stream().anyMatch(b -> b.contains(destination));
    }

    /** {@code any}, {@code local}, {@code local,192.0.2.0/24} or {@code 192.0.2.0/24}. */
    @Override
    public String toString() {
        if (isAny()) {
            return "any";
        }
        String list = SourceFilter.join(blocks);
        return local ? (blocks.isEmpty() ? "local" : "local," + list) : list;
    }
}
