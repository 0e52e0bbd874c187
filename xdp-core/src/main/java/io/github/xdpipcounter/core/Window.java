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
    private final Overflow overflow;
    /** The overflowed rows' sketches: the program's registers with the row's records added. */
    private final Map<Long, SourceSketch> overflowSketches;
    private final long sourcesWithoutRoom;

    /**
     * The relative standard error of an estimated source count (about 1.6%):
     * a count is within one such error of the truth about 68% of the time,
     * within three 99.7%.
     */
    public static final double SKETCH_RELATIVE_ERROR = SourceSketch.relativeError();
    /** The sketches' log2 of their number of registers, DataSketches' {@code lgConfigK}: 12. */
    public static final int SKETCH_LG_K = SourceSketch.LG_K;

    /**
     * @param end the wall clock when the window closed; its start is placed
     *            its monotonic length before that, so a step of the wall clock
     *            while it ran shifts its label, never its length
     */
    Window(long sequence, Instant end, long startMonotonicNanos, long endMonotonicNanos,
           SourceTable v4, SourceTable v6, Statistics statistics) {
        this(sequence, end, startMonotonicNanos, endMonotonicNanos, v4, v6, statistics, Overflow.NONE);
    }

    /** As above, with what the generations could not record. */
    Window(long sequence, Instant end, long startMonotonicNanos, long endMonotonicNanos,
           SourceTable v4, SourceTable v6, Statistics statistics, Overflow overflow) {
        this.sequence = sequence;
        this.overflow = overflow;
        this.span = Span.closedAt(end, startMonotonicNanos, endMonotonicNanos);
        this.tables = new SourceTable[] {v4, v6};
        this.statistics = statistics;
        PortTally tally = new PortTally();
        long packets = 0;
        long bytes = 0;
        long outside = 0;
        // Summed by the tables' builders as the chunks came in.
        for (SourceTable table : tables) {
            table.addTallyTo(tally);
            packets += table.packets();
            bytes += table.bytes();
            outside += table.timedOutside(startMonotonicNanos, endMonotonicNanos);
        }
        this.sourcesTimedOutside = outside;
        long withoutRoom = 0;
        Map<Long, SourceSketch> sketches = new HashMap<>();
        // Each overflowed row's estimate: of its sources without room until a record is added to it.
        Map<Long, Double> estimates = new HashMap<>();
        for (Map.Entry<Long, Overflow.Row> row : overflow.rows().entrySet()) {
            Overflow.Row lost = row.getValue();
            tally.addTraffic(row.getKey(), lost.packets(), lost.bytes());
            packets += lost.packets();
            bytes += lost.bytes();
            double lostEstimate = lost.sketch().estimate();
            withoutRoom += Math.round(lostEstimate);
            estimates.put(row.getKey(), lostEstimate);
            SourceSketch sketch = new SourceSketch();
            sketch.merge(lost.sketch());
            sketches.put(row.getKey(), sketch);
        }
        // A row beyond the sketch budget may have no record: it is listed all the same.
        overflow.spilledKeys().forEach(spilled -> tally.addTraffic(spilled, 0, 0));
        if (overflow.spill() != null) {
            packets += overflow.spill().packets();
            bytes += overflow.spill().bytes();
            withoutRoom += Math.round(overflow.spill().sketch().estimate());
        }
        this.sourcesWithoutRoom = withoutRoom;
        if (!sketches.isEmpty()) {
            // The sources without room and the records are disjoint: the row's sketch is both.
            for (SourceTable table : tables) {
                for (int i = 0; i < table.count(); i++) {
                    SourceSketch sketch = sketches.get(table.portKey(i));
                    if (sketch != null) {
                        table.addAddressTo(sketch, i);
                        estimates.remove(table.portKey(i));
                    }
                }
            }
        }
        this.overflowSketches = Collections.unmodifiableMap(sketches);
        List<PortActivity> list = tally.activities();
        if (!sketches.isEmpty() || !overflow.spilledRows().isEmpty()) {
            list.replaceAll(a -> {
                long key = PortTally.key(a.network(), a.transport(), a.port());
                SourceSketch sketch = sketches.get(key);
                if (sketch != null) {
                    Double lostOnly = estimates.get(key);
                    return new PortActivity(a.network(), a.transport(), a.port(),
                            Math.round(lostOnly != null ? lostOnly : sketch.estimate()), a.packets(), a.bytes(), true);
                }
                // Beyond the sketch budget: its records only, a lower bound, marked as not exact.
                return overflow.spilled(key) ? new PortActivity(a.network(), a.transport(), a.port(),
                        a.uniqueSources(), a.packets(), a.bytes(), true) : a;
            });
        }
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
     * window's records, unless one of the ports lost sources
     * ({@link PortActivity#estimated()}): then the estimate of the union of
     * their sketches. It reads every record, so call it once per window.
     *
     * @param network   the network
     * @param transport the transport
     * @param ports     which destination ports count
     * @return the distinct source addresses
     */
    public long distinctSources(Network network, Transport transport, IntPredicate ports) {
        SourceSketch union = null;
        for (Map.Entry<Long, SourceSketch> row : overflowSketches.entrySet()) {
            long key = row.getKey();
            if (key == PortTally.key(network, transport, (int) (key & 0xffff)) && ports.test((int) (key & 0xffff))) {
                if (union == null) {
                    union = new SourceSketch();
                }
                union.merge(row.getValue());
            }
        }
        if (union == null) {
            return tables[network.ordinal()].distinctAddresses(transport, ports);
        }
        // Some of these rows lost sources: their union is an estimate too.
        SourceTable table = tables[network.ordinal()];
        for (int i = 0; i < table.count(); i++) {
            if (table.transport(i) == transport && ports.test(table.port(i))) {
                table.addAddressTo(union, i);
            }
        }
        return Math.round(union.estimate());
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
        return activity != null ? activity : new PortActivity(network, transport, port, 0, 0, 0, false);
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
     * True when some source found no room: a generation held its capacity
     * (max sources) and the program recorded no further source. Those
     * sources' packets and bytes are still in the totals, and the rows that
     * lost sources report an estimate ({@link PortActivity#estimated()}); the
     * list of sources is partial. Raise the capacity when this happens often.
     *
     * @return whether sources found no room
     */
    public boolean capacityExceeded() {
        return overflow.any();
    }

    /**
     * The sources that found no room, estimated from the program's sketches
     * (each counted once, however many packets it sent); 0 when none did.
     *
     * @return the estimate, rounded
     */
    public long sourcesWithoutRoom() {
        return sourcesWithoutRoom;
    }

    /**
     * Sources without room on rows beyond the program's budget of sketches
     * per window (2,048 rows): they are counted in {@link #sourcesWithoutRoom()}
     * and their packets in the totals, but no row carries them.
     *
     * @return the estimate, rounded; 0 when every overflowed row had a sketch
     */
    public long unattributedSourcesWithoutRoom() {
        return overflow.spill() == null ? 0 : Math.round(overflow.spill().sketch().estimate());
    }

    /**
     * Packets of sources without room on rows beyond the budget of sketches:
     * in {@link #countedPackets()}, but in no row's {@link PortActivity#packets()}.
     * Those rows are marked {@link PortActivity#estimated()}, their source
     * counts being their records only, a lower bound.
     *
     * @return the packets; 0 when every overflowed row had a sketch
     */
    public long unattributedPackets() {
        return overflow.spill() == null ? 0 : overflow.spill().packets();
    }

    /**
     * The row's distinct sources as a DataSketches HyperLogLog sketch:
     * {@code HllSketch.heapify(bytes)} (datasketches-java) reads it, and
     * Spark's {@code hll_union_agg} or Druid's HLLSketchMerge union it with
     * the same row's sketches of other windows and other hosts. lgConfigK is
     * {@link #SKETCH_LG_K}, type HLL_8; each source is its address bytes in
     * network order (4 or 16), as {@code HllSketch.update(byte[])} takes them.
     *
     * @param network   the network
     * @param transport the transport
     * @param port      the destination port
     * @return the serialized, updatable sketch; an empty sketch for an idle row
     */
    public byte[] sketch(Network network, Transport transport, int port) {
        long key = PortTally.key(network, transport, port);
        SourceSketch overflowed = overflowSketches.get(key);
        if (overflowed != null) {
            return overflowed.image();
        }
        SourceSketch sketch = new SourceSketch();
        SourceTable table = tables[network.ordinal()];
        for (int i = 0; i < table.count(); i++) {
            if (table.portKey(i) == key) {
                table.addAddressTo(sketch, i);
            }
        }
        return sketch.image();
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
                + (capacityExceeded() ? ", capacity exceeded: about " + sourcesWithoutRoom() + " sources without room" : "") + "]";
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
