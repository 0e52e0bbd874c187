package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.github.xdpipcounter.core.XdpIpCounterObject.XicFilter;
import io.github.xdpipcounter.core.XdpIpCounterObject.XicSourceFlag;

/**
 * Writes a {@link TrafficFilter} into the loaded program, at run time: the
 * source and destination tries (one per network each) and the filter words
 * of its global. Nothing is reloaded.
 *
 * <p>Each packet sees the old filter or the new one, never a state that
 * counts what neither counts. A trie whose filter is on after the change is
 * filled before the filter word says so, and a trie whose filter goes off is
 * emptied after; a trie whose filter stays on is replaced in the order
 * {@link PrefixTrie} describes. In particular, replacing an include set
 * never counts a source that both the old and the new filter exclude.
 *
 * <p>How the source trie answers both "included?" and "excluded?" with one
 * lookup: each configured block is stored with the OR of the flags of every
 * configured block that covers it (itself included), so a source's longest
 * match carries the flags of every block that contains it. With no include
 * set, 0.0.0.0/0 and ::/0 are stored as included. A source is counted when
 * its flags are exactly "included".
 */
final class ProgramFilters {
    /** See {@link TrafficFilter#MAX_BLOCKS_PER_NETWORK}. */
    static final int MAX_BLOCKS = TrafficFilter.MAX_BLOCKS_PER_NETWORK;
    /**
     * Entries each trie is created with room for: twice a filter's, since a
     * replacement holds the old and the new entries for a moment (see
     * {@link PrefixTrie}). Entries are allocated as they are written.
     */
    static final int TRIE_CAPACITY = 2 * MAX_BLOCKS;

    private static final byte INCLUDED = (byte) (1 << XicSourceFlag.INCLUDED.code());
    private static final byte EXCLUDED = (byte) (1 << XicSourceFlag.EXCLUDED.code());
    private static final byte COUNTED = 1;

    private final ProgramGlobals globals;
    private final Map<Network, PrefixTrie> sources;
    private final Map<Network, PrefixTrie> destinations;
    private TrafficFilter filter = TrafficFilter.DEFAULT;

    ProgramFilters(ProgramGlobals globals, PrefixTrie sourcesV4, PrefixTrie sourcesV6,
                   PrefixTrie destinationsV4, PrefixTrie destinationsV6) {
        this.globals = globals;
        this.sources = Map.of(Network.IPV4, sourcesV4, Network.IPV6, sourcesV6);
        this.destinations = Map.of(Network.IPV4, destinationsV4, Network.IPV6, destinationsV6);
    }

    /**
     * Counts what {@code next} counts from now on; {@code local} are this
     * host's addresses, read when the destination filter counts them.
     *
     * @throws IllegalArgumentException when a trie would need more than
     *                                  {@link #MAX_BLOCKS} entries; nothing is changed then
     */
    synchronized void apply(TrafficFilter next, Set<InetAddress> local) {
        Map<Network, Map<AddressBlock, Byte>> sourceEntries = new HashMap<>();
        Map<Network, Map<AddressBlock, Byte>> destinationEntries = new HashMap<>();
        for (Network network : Network.values()) {
            sourceEntries.put(network, checked(sourceEntries(next.sources(), network), "source filter", network));
            destinationEntries.put(network, checked(destinationEntries(next.destinations(), local, network),
                    "destination filter", network));
        }
        boolean sourcesOn = !next.sources().isAll();
        boolean destinationsOn = !next.destinations().isAny();
        for (Network network : Network.values()) {
            if (sourcesOn) {
                sources.get(network).replace(sourceEntries.get(network));
            }
            if (destinationsOn) {
                destinations.get(network).replace(destinationEntries.get(network));
            }
        }
        globals.filters(filterBits(next), transportBits(next.transports()));
        for (Network network : Network.values()) {
            if (!sourcesOn) {
                sources.get(network).clear();
            }
            if (!destinationsOn) {
                destinations.get(network).clear();
            }
        }
        filter = next;
    }

    /** This host's addresses changed: the destination tries follow when the filter counts them. */
    synchronized void localAddressesChanged(Set<InetAddress> local) {
        if (filter.destinations().local()) {
            apply(filter, local);
        }
    }

    synchronized TrafficFilter filter() {
        return filter;
    }

    /** The trie entries of a source filter on one network; empty when it counts every source. */
    static Map<AddressBlock, Byte> sourceEntries(SourceFilter filter, Network network) {
        Map<AddressBlock, Byte> entries = new HashMap<>();
        if (filter.isAll()) {
            return entries;
        }
        Map<AddressBlock, Byte> configured = new HashMap<>();
        if (filter.include().isEmpty()) {
            configured.put(AddressBlock.of(new byte[network.addressLength()], 0), INCLUDED);
        }
        for (AddressBlock block : filter.include()) {
            configured.merge(block, INCLUDED, (a, b) -> (byte) (a | b));
        }
        for (AddressBlock block : filter.exclude()) {
            configured.merge(block, EXCLUDED, (a, b) -> (byte) (a | b));
        }
        configured.keySet().removeIf(block -> block.network() != network);
        // The blocks covering one are its own prefixes of the lengths in use: a few lookups each.
        int[] lengths = configured.keySet().stream().mapToInt(AddressBlock::prefixLength).distinct().sorted().toArray();
        configured.forEach((block, own) -> {
            byte flags = own;
            for (int length : lengths) {
                if (length >= block.prefixLength()) {
                    break;
                }
                Byte covering = configured.get(AddressBlock.of(block.bytes(), length));
                if (covering != null) {
                    flags |= covering;
                }
            }
            entries.put(block, flags);
        });
        return entries;
    }

    /** The trie entries of a destination filter on one network; empty when it counts every destination. */
    static Map<AddressBlock, Byte> destinationEntries(DestinationFilter filter, Set<InetAddress> local, Network network) {
        Map<AddressBlock, Byte> entries = new HashMap<>();
        for (AddressBlock block : filter.blocks()) {
            if (block.network() == network) {
                entries.put(block, COUNTED);
            }
        }
        if (filter.local()) {
            for (InetAddress address : local) {
                AddressBlock host = AddressBlock.of(address);
                if (host.network() == network) {
                    entries.put(host, COUNTED);
                }
            }
        }
        return entries;
    }

    private static Map<AddressBlock, Byte> checked(Map<AddressBlock, Byte> entries, String what, Network network) {
        if (entries.size() > MAX_BLOCKS) {
            throw new IllegalArgumentException("the " + what + " needs " + entries.size() + " " + network
                    + " prefixes; the program holds at most " + MAX_BLOCKS + " per network");
        }
        return entries;
    }

    private static int filterBits(TrafficFilter filter) {
        int bits = 0;
        if (!filter.transports().equals(Transport.DEFAULT_TRACKED)) {
            bits |= 1 << XicFilter.TRANSPORTS.code();
        }
        if (filter.tcp() == TcpPackets.CONNECTION_ATTEMPTS) {
            bits |= 1 << XicFilter.TCP_SYN.code();
        }
        if (!filter.destinations().isAny()) {
            bits |= 1 << XicFilter.DESTINATIONS.code();
        }
        if (!filter.sources().isAll()) {
            bits |= 1 << XicFilter.SOURCES.code();
        }
        return bits;
    }

    private static int transportBits(Set<Transport> transports) {
        int bits = 0;
        for (Transport transport : transports) {
            bits |= 1 << transport.code();
        }
        return bits;
    }
}
