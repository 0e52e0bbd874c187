package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.core.bpf.BpfMap.ReadStrategy;

/**
 * The program's two generations of source records and the flip between
 * them that ends a window: which generation the program writes, when the
 * window in progress began, and how the ended one is read and emptied.
 *
 * <h2>How a window flip is exact</h2>
 * The program reads the slot (0 or 1) from its .bss once per packet and
 * counts into generation {@code slot} of each generations map. To end a
 * window, {@link #flip} stores the other slot through the memory-mapped
 * .bss, then updates an entry of a map-of-maps: the kernel returns from that
 * update only after every program run in flight has finished
 * ({@code maybe_wait_bpf_programs}, a synchronize_rcu). Every packet that
 * read the old slot is then counted in the old generation, every later one
 * in the new: no packet lands in two windows or in none. The old generation
 * is then read and emptied with batch operations while the program writes
 * the other one.
 */
final class Generations {
    private static final int READ_CHUNK = 8192;

    /** One network's generation maps, by slot, and the map-of-maps the program reaches them through. */
    record NetworkMaps(Network network, BpfMap[] bySlot, BpfMap outer) {
    }

    private final ProgramGlobals globals;
    private final NetworkMaps v4;
    private final NetworkMaps v6;
    private final StatisticsReader statistics;
    /** Guarded by this: flips and reads of the maps are serialised. */
    private int slot;
    /** When the window in progress began, on the program's clock. */
    private long windowStartNanos;
    /** Windows completed so far: the last one's sequence number. */
    private long windows;
    private boolean closed;
    /** Records deleted by {@link #changeSources}, by slot, since that generation was last drained. */
    private final long[] forgotten = new long[2];

    /** The program counts into slot 0 from {@code startNanos} on. */
    Generations(ProgramGlobals globals, NetworkMaps v4, NetworkMaps v6, StatisticsReader statistics, long startNanos) {
        this.globals = globals;
        this.v4 = v4;
        this.v6 = v6;
        this.statistics = statistics;
        this.windowStartNanos = startNanos;
    }

    /**
     * Ends the current window: switches the program to the other generation,
     * waits for packets in flight, then reads and empties the generation that
     * ended. The window began when the previous one ended (or at load) and
     * ends now, both on the monotonic clock.
     */
    synchronized Window flip(ReadStrategy strategy) {
        if (closed) {
            throw new IllegalStateException("the counter program is closed");
        }
        int ended = slot;
        long startNanos = windowStartNanos;
        Instant end = Instant.now();
        long flipNanos = globals.tickAndSwitchTo(ended ^ 1);
        slot = ended ^ 1;
        windowStartNanos = flipNanos;
        waitForRunningPrograms(ended);
        SourceTable sourcesV4 = drain(v4, ended, strategy);
        SourceTable sourcesV6 = drain(v6, ended, strategy);
        Statistics counted = statistics.drain(ended).lessDeleted(forgotten[ended]);
        forgotten[ended] = 0;
        return new Window(++windows, end, startNanos, flipNanos, sourcesV4, sourcesV6, counted);
    }

    /**
     * Runs {@code change} (a change of the source filter), then deletes from
     * the generation the program writes the records of every source that
     * {@code counted} (network, address bytes) now refuses, so that the
     * program, which checks the source filter only before it creates a
     * record, counts no packet of such a source from here on. No flip runs
     * in between, and the records are read only once every program run that
     * could have seen the old filter is over: none creates a record after
     * the deletion.
     */
    synchronized void changeSources(Runnable change, BiPredicate<Network, byte[]> counted) {
        change.run();
        if (closed) {
            return;
        }
        waitForRunningPrograms(slot);
        for (NetworkMaps maps : new NetworkMaps[] {v4, v6}) {
            forgotten[slot] += forget(maps.bySlot()[slot], maps.network(), counted);
        }
    }

    /** Deletes the records of {@code generation} whose source {@code counted} refuses; returns how many. */
    private static int forget(BpfMap generation, Network network, BiPredicate<Network, byte[]> counted) {
        // The key starts with the source address (struct xic_key_v4 / _v6).
        int addressLength = network.addressLength();
        try (Arena arena = Arena.ofConfined()) {
            List<MemorySegment> refused = new ArrayList<>();
            MemorySegment previous = MemorySegment.NULL;
            MemorySegment next = arena.allocate(generation.info().keySize(), 8);
            while (generation.nextKey(previous, next)) {
                if (!counted.test(network, next.asSlice(0, addressLength).toArray(ValueLayout.JAVA_BYTE))) {
                    refused.add(arena.allocate(generation.info().keySize(), 8).copyFrom(next));
                }
                previous = arena.allocate(generation.info().keySize(), 8).copyFrom(next);
            }
            int deleted = 0;
            for (MemorySegment key : refused) {
                if (generation.delete(key)) {
                    deleted++;
                }
            }
            return deleted;
        }
    }

    /** Waits for a flip in progress; flips fail from now on. */
    synchronized void close() {
        closed = true;
    }

    /** The generation the program writes now. */
    synchronized int current() {
        return slot;
    }

    /**
     * Rewrites the ended generation's entry in each map-of-maps with the map
     * it already holds. The program never notices; the update returns only
     * once all program runs that could have read the old slot are over.
     */
    private void waitForRunningPrograms(int ended) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, ended);
            for (NetworkMaps maps : new NetworkMaps[] {v4, v6}) {
                maps.outer().update(key, arena.allocateFrom(ValueLayout.JAVA_INT, maps.bySlot()[ended].fd()));
            }
        }
    }

    private static SourceTable drain(NetworkMaps generations, int ended, ReadStrategy strategy) {
        SourceTable.Builder table = new SourceTable.Builder(generations.network());
        generations.bySlot()[ended].readAll(strategy, true, READ_CHUNK, table::append);
        return table.build();
    }
}
