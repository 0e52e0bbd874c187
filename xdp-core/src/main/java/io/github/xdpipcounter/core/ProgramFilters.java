package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

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
    private final Map<Network, DestinationHosts> destinationHosts;
    private TrafficFilter filter = TrafficFilter.DEFAULT;

    /**
     * @param destinationsV4 the trie of the destination filter's blocks other than single hosts
     * @param destinationHostsV4 its single hosts
     */
    ProgramFilters(ProgramGlobals globals, PrefixTrie sourcesV4, PrefixTrie sourcesV6,
                   PrefixTrie destinationsV4, PrefixTrie destinationsV6,
                   DestinationHosts destinationHostsV4, DestinationHosts destinationHostsV6) {
        this.globals = globals;
        this.sources = Map.of(Network.IPV4, sourcesV4, Network.IPV6, sourcesV6);
        this.destinations = Map.of(Network.IPV4, destinationsV4, Network.IPV6, destinationsV6);
        this.destinationHosts = Map.of(Network.IPV4, destinationHostsV4, Network.IPV6, destinationHostsV6);
    }

    /**
     * Counts what {@code next} counts from now on; {@code local} are this
     * host's addresses, read when the destination filter counts them.
     *
     * <p>A destination filter's single hosts go to {@link DestinationHosts},
     * its other blocks to the tries, which the program consults only when
     * some exist (filter bit DESTINATION_PREFIXES). Hosts are added before
     * anything else changes and the stale ones removed after the filter
     * word, so that the program sees the old and the new hosts while the
     * tries change.
     *
     * @throws IllegalArgumentException when a trie would need more than
     *                                  {@link #MAX_BLOCKS} entries; nothing is changed then
     */
    synchronized void apply(TrafficFilter next, Set<InetAddress> local) {
        Map<Network, Map<AddressBlock, Byte>> sourceEntries = new HashMap<>();
        Map<Network, Map<AddressBlock, Byte>> prefixEntries = new HashMap<>();
        Map<Network, Map<AddressBlock, Byte>> hostEntries = new HashMap<>();
        for (Network network : Network.values()) {
            sourceEntries.put(network, checked(sourceEntries(next.sources(), network), "source filter", network));
            Map<AddressBlock, Byte> entries = checked(destinationEntries(next.destinations(), local, network),
                    "destination filter", network);
            Map<AddressBlock, Byte> hosts = new HashMap<>(entries);
            hosts.keySet().removeIf(block -> !isHost(block));
            entries.keySet().removeAll(hosts.keySet());
            hostEntries.put(network, hosts);
            prefixEntries.put(network, entries);
        }
        boolean sourcesOn = !next.sources().isAll();
        boolean destinationsOn = !next.destinations().isAny();
        boolean prefixesOn = prefixEntries.values().stream().anyMatch(entries -> !entries.isEmpty());
        for (Network network : Network.values()) {
            if (sourcesOn) {
                sources.get(network).replace(sourceEntries.get(network));
            }
            if (destinationsOn) {
                Map<AddressBlock, Byte> oldAndNew = new HashMap<>(destinationHosts.get(network).contents());
                oldAndNew.putAll(hostEntries.get(network));
                destinationHosts.get(network).replace(oldAndNew);
            }
            if (prefixesOn) {
                destinations.get(network).replace(prefixEntries.get(network));
            }
        }
        globals.filters(filterBits(next, prefixesOn), transportBits(next.transports()));
        for (Network network : Network.values()) {
            if (!sourcesOn) {
                sources.get(network).clear();
            }
            destinationHosts.get(network).replace(destinationsOn ? hostEntries.get(network) : Map.of());
            if (!prefixesOn) {
                destinations.get(network).clear();
            }
        }
        filter = next;
    }

    private static boolean isHost(AddressBlock block) {
        return block.prefixLength() == block.network().addressLength() * 8;
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

    /**
     * Whether {@code filter} counts a source of {@code network} given as its
     * address bytes, answered as the program answers it: the flags of the
     * longest of {@link #sourceEntries} that contains it must be exactly
     * "included". IPv4-mapped IPv6 sources are IPv6 sources here too.
     */
    static BiPredicate<Network, byte[]> sourceCounted(SourceFilter filter) {
        if (filter.isAll()) {
            return (network, address) -> true;
        }
        Map<Network, Map<AddressBlock, Byte>> entries = new EnumMap<>(Network.class);
        Map<Network, int[]> longestFirst = new EnumMap<>(Network.class);
        for (Network network : Network.values()) {
            Map<AddressBlock, Byte> own = sourceEntries(filter, network);
            entries.put(network, own);
            longestFirst.put(network, own.keySet().stream().mapToInt(b -> -b.prefixLength()).distinct().sorted()
                    .map(length -> -length).toArray());
        }
        return (network, address) -> {
            for (int length : longestFirst.get(network)) {
                Byte flags = entries.get(network).get(AddressBlock.of(address, length));
                if (flags != null) {
                    return flags == INCLUDED;
                }
            }
            return false;
        };
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

    private static int filterBits(TrafficFilter filter, boolean destinationPrefixes) {
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
        if (destinationPrefixes) {
            bits |= 1 << XicFilter.DESTINATION_PREFIXES.code();
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
