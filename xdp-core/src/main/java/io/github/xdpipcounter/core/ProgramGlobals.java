package io.github.xdpipcounter.core;

import java.util.BitSet;
import java.util.EnumMap;
import java.util.Map;

import io.github.xdpipcounter.core.XdpIpCounterObject.XicFilter;
import io.github.xdpipcounter.core.internal.layout.XicGlobals;

/**
 * What userspace tells the running program through its global variable:
 * the time, the generation to count into, the selected ports and which
 * filters are on. Stores reach the next packet without a system call.
 *
 * <p>The clock and the slot are stored under one lock, clock first: the
 * program reads the slot before the clock, so a packet counted in a new
 * generation never carries a time from before that generation began, and
 * the clock never goes back.
 */
final class ProgramGlobals {
    private final XicGlobals globals;
    private PortSelection ports = PortSelection.all();
    private Map<Transport, BitSet> listening = Map.of();
    private int filterBits;
    private boolean portsFiltered;
    private int hostTables;
    private int hostMaps;
    private boolean closed;

    ProgramGlobals(XicGlobals globals) {
        this.globals = globals;
    }

    /** Publishes the current time; the program stamps records with it until the next tick. */
    synchronized long tick() {
        ensureOpen();
        long now = System.nanoTime();
        globals.clockNs(now);
        return now;
    }

    /** Publishes the current time, then switches the program to {@code slot}; returns that time. */
    synchronized long tickAndSwitchTo(int slot) {
        long now = tick();
        globals.slot(slot);
        return now;
    }

    /**
     * Counts only the selected destination ports from the next packet on,
     * on every transport with ports; with {@link PortSelection#isListening()},
     * also each transport's listening ports as last given. While a bitmap is
     * rewritten a packet may still see the old selection for a port.
     */
    synchronized void selectPorts(PortSelection selection) {
        ports = selection;
        writePorts();
    }

    /**
     * The ports this host listens on now, per transport (a transport missing
     * from the map has none); counted when the selection includes them.
     */
    synchronized void listeningPorts(Map<Transport, BitSet> ports) {
        Map<Transport, BitSet> copy = new EnumMap<>(Transport.class);
        ports.forEach((transport, set) -> copy.put(transport, (BitSet) set.clone()));
        listening = copy;
        if (this.ports.isListening()) {
            writePorts();
        }
    }

    private void writePorts() {
        ensureOpen();
        int filter = 0;
        if (!ports.isAll()) {
            for (int t = 0; t < XicGlobals.bitmapTransports(); t++) {
                BitSet listeningPorts = listening.getOrDefault(Transport.ofCode(t), new BitSet());
                globals.portBitmap(t, ports.toBitmap(XicGlobals.bitmapWords(), listeningPorts));
                filter |= 1 << t;
            }
        }
        globals.portFilter(filter);
        portsFiltered = filter != 0;
        globals.filters(filterWord());
    }

    /**
     * The filters word: the filters given to {@link #filters}, and the
     * ports filter when a port selection is on, so that the program reads
     * no port bitmap while every port counts.
     */
    private int filterWord() {
        return filterBits | (portsFiltered ? 1 << XicFilter.PORTS.code() : 0);
    }

    /**
     * Turns filters on and off (bit f: enum xic_filter f; the ports filter is
     * this class's own, see {@link #selectPorts}) and sets the
     * tracked transports (bit t: enum xic_transport t). The transports are
     * stored first: the program reads them only when the filters say so.
     */
    synchronized void filters(int filterBits, int transportBits) {
        ensureOpen();
        globals.transports(transportBits);
        this.filterBits = filterBits;
        globals.filters(filterWord());
    }

    /**
     * Stores host table {@code table} of {@code network} and makes it the
     * one in use: the program reads the other no more once a grace period
     * has passed.
     */
    synchronized void hostTable(Network network, int table, byte[] addresses) {
        ensureOpen();
        int n = network == Network.IPV4 ? 0 : 1;
        globals.hostTable(n, table, addresses);
        hostTables = hostTables & ~(1 << n) | table << n;
        globals.hostTables(hostTables);
    }

    /** Whether the program also looks destinations of {@code network} up in its host map. */
    synchronized void hostMap(Network network, boolean holdsHosts) {
        ensureOpen();
        int bit = 1 << (network == Network.IPV4 ? 0 : 1);
        hostMaps = holdsHosts ? hostMaps | bit : hostMaps & ~bit;
        globals.hostMaps(hostMaps);
    }

    /** Nothing is stored any more; the memory may be unmapped after this. */
    synchronized void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the counter program is closed");
        }
    }
}
