package io.github.xdpipcounter.core;

import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * What one completed window saw: every source per (network, transport,
 * destination port), with the program's statistics. Immutable.
 *
 * <p>Sources are stored packed as the kernel produced them and decoded on
 * access, so {@link #sources()} is a cheap view; iterate it rather than
 * copying it.
 */
public final class Window {
    private static final Comparator<PortActivity> PORT_ORDER = Comparator
            .comparing(PortActivity::network).thenComparing(PortActivity::transport).thenComparingInt(PortActivity::port);

    private final long sequence;
    private final Span span;
    private final SourceTable[] tables;
    private final Statistics statistics;
    private final List<PortActivity> ports;
    private final Map<Long, PortActivity> portIndex;
    private final long countedPackets;
    private final long countedBytes;
    private final long sourcesTimedOutside;

    /**
     * @param end the wall clock when the window closed; its start is placed
     *            its monotonic length before that, so a step of the wall clock
     *            while it ran shifts its label, never its length
     */
    Window(long sequence, Instant end, long startMonotonicNanos, long endMonotonicNanos,
           SourceTable v4, SourceTable v6, Statistics statistics) {
        this.sequence = sequence;
        this.span = Span.closedAt(end, startMonotonicNanos, endMonotonicNanos);
        this.tables = new SourceTable[] {v4, v6};
        this.statistics = statistics;
        PortTally tally = new PortTally();
        long packets = 0;
        long bytes = 0;
        long outside = 0;
        for (SourceTable table : tables) {
            for (int i = 0; i < table.count(); i++) {
                long p = table.packets(i);
                long b = table.bytes(i);
                tally.add(table.portKey(i), p, b);
                packets += p;
                bytes += b;
                if (table.firstSeenNanos(i) < startMonotonicNanos || table.lastSeenNanos(i) > endMonotonicNanos) {
                    outside++;
                }
            }
        }
        this.sourcesTimedOutside = outside;
        List<PortActivity> list = tally.activities();
        Map<Long, PortActivity> index = new HashMap<>();
        for (PortActivity activity : list) {
            index.put(PortTally.key(activity.network(), activity.transport(), activity.port()), activity);
        }
        list.sort(PORT_ORDER);
        this.ports = List.copyOf(list);
        // Not Map.copyOf: its linear probing degrades to quadratic time on these packed keys, whose
        // hash codes cluster (a scan of every port made a window take 25 s to build).
        this.portIndex = Collections.unmodifiableMap(index);
        this.countedPackets = packets;
        this.countedBytes = bytes;
    }

    /**
     * The window's number: 1 for a counter's first window, one more for each
     * window after it. It orders windows where wall-clock times cannot: after
     * a step of the wall clock, a later window may carry an earlier end.
     *
     * @return the number
     */
    public long sequence() {
        return sequence;
    }

    /**
     * When the window began, on the wall clock: {@link #end()} minus its length.
     *
     * @return the start
     */
    public Instant start() {
        return span.start();
    }

    /**
     * When the window closed, on the wall clock at that moment. Only a label:
     * windows are timed on the monotonic clock, so a step of the wall clock
     * loses no window and stretches none, but shifts the labels of the
     * windows that follow it by the step.
     *
     * @return the end
     */
    public Instant end() {
        return span.end();
    }

    /**
     * How long the window ran, on the monotonic clock.
     *
     * @return the length
     */
    public Duration duration() {
        return span.duration();
    }

    /** When the window closed, on the monotonic clock ({@link System#nanoTime}). */
    long endMonotonicNanos() {
        return span.endMonotonicNanos();
    }

    /**
     * Every source of the window, IPv4 first; a read-only view decoded on access.
     *
     * @return the sources
     */
    public List<Source> sources() {
        return new SourceView();
    }

    /**
     * Calls {@code action} for each source, IPv4 first, without keeping them.
     *
     * @param action called once per source
     */
    public void forEachSource(Consumer<? super Source> action) {
        for (SourceTable table : tables) {
            for (int i = 0; i < table.count(); i++) {
                action.accept(source(table, i));
            }
        }
    }

    /**
     * The number of (source, network, transport, port) records.
     *
     * @return the records
     */
    public int sourceCount() {
        return tables[0].count() + tables[1].count();
    }

    /**
     * The number of records of one network.
     *
     * @param network the network
     * @return its records
     */
    public int sourceCount(Network network) {
        return tables[network.ordinal()].count();
    }

    /**
     * Per destination port with any traffic: unique sources, packets and bytes, in a stable order.
     *
     * @return one entry per (network, transport, port) with traffic
     */
    public List<PortActivity> portActivity() {
        return ports;
    }

    /**
     * Unique source addresses over several ports of one network and
     * transport: a source seen on two of them counts once. Exact, from the
     * window's records; it reads them all, so call it once per window.
     *
     * @param network   the network
     * @param transport the transport
     * @param ports     which destination ports count
     * @return the distinct source addresses
     */
    public long distinctSources(Network network, Transport transport, IntPredicate ports) {
        return tables[network.ordinal()].distinctAddresses(transport, ports);
    }

    /**
     * Unique sources seen on one port; 0 when none.
     *
     * @param network   the network
     * @param transport the transport
     * @param port      the destination port
     * @return the sources
     */
    public long uniqueSources(Network network, Transport transport, int port) {
        PortActivity activity = portIndex.get(PortTally.key(network, transport, port));
        return activity == null ? 0 : activity.uniqueSources();
    }

    /**
     * The port's activity, or an idle (all-zero) one.
     *
     * @param network   the network
     * @param transport the transport
     * @param port      the destination port
     * @return its activity
     */
    public PortActivity activity(Network network, Transport transport, int port) {
        PortActivity activity = portIndex.get(PortTally.key(network, transport, port));
        return activity != null ? activity : new PortActivity(network, transport, port, 0, 0, 0);
    }

    /**
     * Packets counted into the window's sources.
     *
     * @return the packets
     */
    public long countedPackets() {
        return countedPackets;
    }

    /**
     * Bytes (whole frames) counted into the window's sources.
     *
     * @return the bytes
     */
    public long countedBytes() {
        return countedBytes;
    }

    /**
     * Every packet the program saw: counted plus ignored.
     *
     * @return the packets
     */
    public long seenPackets() {
        return countedPackets + statistics.ignoredTotal();
    }

    /**
     * The program's own counters for the window: what it ignored, and the records it made.
     *
     * @return the statistics
     */
    public Statistics statistics() {
        return statistics;
    }

    /**
     * True when the window holds fewer sources than the program recorded: the
     * maps were full, older sources were evicted and their packets are
     * missing here. Raise the capacity (max sources) when this happens.
     *
     * @return whether sources were lost
     */
    public boolean capacityExceeded() {
        return evictedSources() > 0 || statistics.insertFailed() > 0;
    }

    /**
     * Source records evicted for lack of room (created by the program but not in this window).
     *
     * @return the records lost
     */
    public long evictedSources() {
        return Math.max(0, statistics.inserted() - sourceCount());
    }

    /**
     * The records whose kernel times fall outside the window's own bounds on
     * the monotonic clock, before {@link Source#firstSeen()} and
     * {@link Source#lastSeen()} are clamped into them: 0 unless the clock
     * protocol between the program and userspace is broken (the program reads
     * a clock userspace writes before each flip). A diagnostic, counted while
     * the window is built.
     *
     * @return the records; 0 in a correct run
     */
    public long sourcesTimedOutsideWindow() {
        return sourcesTimedOutside;
    }

    private Source source(SourceTable table, int i) {
        return new Source(table.address(i), table.network(), table.transport(i), table.port(i),
                table.packets(i), table.bytes(i), span.wallClock(table.firstSeenNanos(i)),
                span.wallClock(table.lastSeenNanos(i)));
    }

    @Override
    public String toString() {
        return "Window[#" + sequence + " " + span.start() + " .. " + span.end() + ", " + sourceCount() + " sources, "
                + countedPackets + " packets counted, " + statistics.ignoredTotal() + " ignored"
                + (capacityExceeded() ? ", capacity exceeded: " + evictedSources() + " sources evicted" : "") + "]";
    }

    /**
     * Where a window lies in time, on both clocks: it is timed on the
     * monotonic clock, and labelled with the wall clock read when it closed.
     */
    private record Span(Instant start, Instant end, long startMonotonicNanos, long endMonotonicNanos) {
        /** Its start is placed its monotonic length before {@code end}: a step of the wall clock shifts labels, never lengths. */
        static Span closedAt(Instant end, long startMonotonicNanos, long endMonotonicNanos) {
            if (endMonotonicNanos < startMonotonicNanos) {
                throw new IllegalArgumentException("window ends before it starts");
            }
            return new Span(end.minusNanos(endMonotonicNanos - startMonotonicNanos), end, startMonotonicNanos,
                    endMonotonicNanos);
        }

        Duration duration() {
            return Duration.ofNanos(endMonotonicNanos - startMonotonicNanos);
        }

        /**
         * Kernel times are CLOCK_MONOTONIC, tick-precise; they are placed on
         * the wall clock relative to the end and kept within the window,
         * since a tick can straddle a flip on weakly ordered CPUs.
         */
        Instant wallClock(long monotonicNanos) {
            Instant t = end.minusNanos(endMonotonicNanos - monotonicNanos);
            if (t.isBefore(start)) {
                return start;
            }
            return t.isAfter(end) ? end : t;
        }
    }

    private final class SourceView extends AbstractList<Source> implements RandomAccess {
        @Override
        public Source get(int index) {
            int v4 = tables[0].count();
            if (index < 0 || index >= size()) {
                throw new IndexOutOfBoundsException(index);
            }
            return index < v4 ? source(tables[0], index) : source(tables[1], index - v4);
        }

        @Override
        public int size() {
            return sourceCount();
        }
    }
}
