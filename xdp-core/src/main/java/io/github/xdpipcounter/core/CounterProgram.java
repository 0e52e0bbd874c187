package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.util.BitSet;
import java.util.Map;
import java.util.Set;

import io.github.xdpipcounter.core.XdpIpCounterObject.Maps;
import io.github.xdpipcounter.core.XdpIpCounterObject.MapNames;
import io.github.xdpipcounter.core.XdpIpCounterObject.Programs;
import io.github.xdpipcounter.core.XdpIpCounterObject.Variables;
import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.core.bpf.BpfMap.ReadStrategy;
import io.github.xdpipcounter.core.bpf.BpfObject;
import io.github.xdpipcounter.core.bpf.BpfProgram;
import io.github.xdpipcounter.core.bpf.OpenBpfObject;
import io.github.xdpipcounter.core.internal.layout.XicFlood;
import io.github.xdpipcounter.core.internal.layout.XicGlobals;

/**
 * The loaded xdp_ip_counter program with its maps, and the parts that
 * drive it: {@link ProgramGlobals} (clock, slot, ports), {@link ProgramFilters}
 * (the traffic filter), {@link Generations} (the window flip and the drain)
 * and {@link StatisticsReader}. It loads
 * them together and closes them together; {@link IpCounter} drives one on a
 * schedule, tests and benchmarks drive one by hand (for instance through
 * {@link BpfProgram#testRun}). It attaches nowhere: links belong to
 * {@link InterfaceAttachments}. Not API: embedders use {@link IpCounter}.
 */
final class CounterProgram implements AutoCloseable {
    private final BpfObject object;
    private final Maps maps;
    private final BpfProgram program;
    private final ProgramGlobals globals;
    private final ProgramFilters filters;
    private final Generations generations;
    private final int maxSources;

    private CounterProgram(BpfObject object, int maxSources) {
        this.object = object;
        this.maxSources = maxSources;
        this.maps = Maps.of(object);
        this.program = Programs.of(object).xdpIpCounter();
        XicGlobals xic = new XicGlobals(object.variable(Variables.XIC));
        this.globals = new ProgramGlobals(xic);
        GracePeriod gracePeriod = new GracePeriod(maps.gracePeriod(), maps.gracePeriodInner());
        this.filters = new ProgramFilters(globals,
                new PrefixTrie(maps.sourcesV4(), Network.IPV4), new PrefixTrie(maps.sourcesV6(), Network.IPV6),
                new PrefixTrie(maps.destinationsV4(), Network.IPV4), new PrefixTrie(maps.destinationsV6(), Network.IPV6),
                new DestinationHosts(Network.IPV4, globals, PrefixTrie.hosts(maps.destinationHostsV4(), Network.IPV4),
                        gracePeriod),
                new DestinationHosts(Network.IPV6, globals, PrefixTrie.hosts(maps.destinationHostsV6(), Network.IPV6),
                        gracePeriod));
        XicFlood flood = xic.flood();
        OverflowReader overflows = new OverflowReader(maps.overflow(), maps.overflowSpill(), maps.spilledRows(), flood);
        Generations.NetworkMaps v4 = new Generations.NetworkMaps(Network.IPV4, maps.generationsV4(), maxSources);
        Generations.NetworkMaps v6;
        try {
            v6 = new Generations.NetworkMaps(Network.IPV6, maps.generationsV6(), maxSources);
        } catch (RuntimeException e) {
            v4.close();
            throw e;
        }
        long start = globals.tick();
        this.generations = new Generations(globals, v4, v6, new StatisticsReader(maps.stats()), overflows,
                new RecordedKeysFilter(maps.recorded(), flood), start);
    }

    /**
     * Loads the program from this library's jar, with room for
     * {@code maxSources} records per network and generation. The kernel
     * preallocates that room: about 100 bytes per record, four generations
     * (a fifth and sixth for a moment after each flip, while the ended ones
     * are replaced).
     * The filter tries hold {@link TrafficFilter#MAX_BLOCKS_PER_NETWORK}
     * blocks each, allocated only as they are written.
     */
    public static CounterProgram load(int maxSources) {
        if (maxSources < 1) {
            throw new IllegalArgumentException("max sources must be at least 1, not " + maxSources);
        }
        BpfObject object;
        try (OpenBpfObject open = XdpIpCounterObject.open()) {
            for (String trie : new String[] {
                    MapNames.SOURCES_V4, MapNames.SOURCES_V6, MapNames.DESTINATIONS_V4, MapNames.DESTINATIONS_V6,
                    MapNames.DESTINATION_HOSTS_V4, MapNames.DESTINATION_HOSTS_V6}) {
                open.setMaxEntries(trie, ProgramFilters.TRIE_CAPACITY);
            }
            object = open.load();
        }
        try {
            return new CounterProgram(object, maxSources);
        } catch (RuntimeException | Error e) {
            object.close();
            throw e;
        }
    }

    /** The XDP program itself, to attach or for {@link BpfProgram#testRun}. */
    public BpfProgram program() {
        return program;
    }

    public int maxSources() {
        return maxSources;
    }

    /** See {@link ProgramGlobals#selectPorts}. */
    public void selectPorts(PortSelection ports) {
        globals.selectPorts(ports);
    }

    /** See {@link ProgramGlobals#listeningPorts}. */
    public void listeningPorts(Map<Transport, BitSet> ports) {
        globals.listeningPorts(ports);
    }

    /**
     * Counts what {@code filter} lets through, from the next packet on,
     * without reloading; with {@link DestinationFilter#localAddresses()},
     * {@code localAddresses} are this host's (see {@link ProgramFilters}).
     *
     * @throws IllegalArgumentException for a filter larger than the program holds; nothing changes then
     */
    public synchronized void filter(TrafficFilter filter, Set<InetAddress> localAddresses) {
        if (filter.sources().equals(filters.filter().sources()) || filter.sources().isAll()) {
            filters.apply(filter, localAddresses);
            return;
        }
        // The program checks sources only before creating a record: records of sources now refused must go.
        generations.changeSources(() -> filters.apply(filter, localAddresses), ProgramFilters.sourceCounted(filter.sources()));
    }

    /** As {@link #filter(TrafficFilter, Set)}, for a filter that does not count local addresses. */
    public void filter(TrafficFilter filter) {
        if (filter.destinations().local()) {
            throw new IllegalArgumentException("a destination filter of local addresses needs them: use filter(filter, addresses)");
        }
        filter(filter, Set.of());
    }

    /** This host's addresses changed: see {@link ProgramFilters#localAddressesChanged}. */
    void localAddressesChanged(Set<InetAddress> localAddresses) {
        filters.localAddressesChanged(localAddresses);
    }

    /** The filter in force. */
    public TrafficFilter trafficFilter() {
        return filters.filter();
    }

    /**
     * Publishes the current time to the program; its records carry this
     * tick's time. Sets the recorded-keys filter of a generation that became
     * full since the last tick.
     */
    public void tick() {
        globals.tick();
        generations.filterFull();
    }

    /**
     * Ends the current window and starts the next: see {@link Generations}
     * for why no packet lands in two windows or in none.
     */
    public Window completeWindow() {
        return completeWindow(ReadStrategy.BATCH);
    }

    /** As {@link #completeWindow()}, reading the maps with the given strategy. */
    public Window completeWindow(ReadStrategy strategy) {
        return generations.flip(strategy);
    }

    /** The loaded maps. */
    Maps maps() {
        return maps;
    }

    Generations generations() {
        return generations;
    }

    /** Unloads the program and its maps once no link holds them. Idempotent. */
    @Override
    public void close() {
        // Each part first waits for what it is doing; afterwards it fails as closed.
        generations.close();
        globals.close();
        object.close();
    }
}
