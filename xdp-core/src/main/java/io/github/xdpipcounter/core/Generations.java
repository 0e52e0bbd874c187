package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiPredicate;

import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.core.bpf.BpfMapHandle;
import io.github.xdpipcounter.core.bpf.BpfMap.ReadStrategy;
import io.github.xdpipcounter.core.internal.layout.XicRecordLayout;

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
 * is then read with batch operations while the program writes the other one,
 * and emptied afterwards on a thread of its own (a fresh map in its place, or
 * its records deleted, see {@link NetworkMaps#renew}): the window is
 * published without waiting for that, and the next flip, which switches
 * back to this generation, waits until it is empty.
 *
 * <p>Every generation map is created here, a preallocated hash of exactly the
 * capacity: when it is full the program stops inserting and counts the
 * sources that find no room in the slot's overflow ({@link OverflowReader}).
 */
final class Generations {
    private static final int READ_CHUNK = 8192;

    /**
     * One network's generation maps, by slot, and the map-of-maps the program
     * reaches them through. The maps are replaced after every flip.
     */
    static final class NetworkMaps implements AutoCloseable {
        private final Network network;
        private final BpfMap outer;
        private final int capacity;
        private final BpfMapHandle[] bySlot = new BpfMapHandle[2];
        /** The records of the last window read: what the next read expects (flips are serialised). */
        private int lastCount;
        /**
         * Room for the next read's sources, made after the last flip off its
         * path (see {@link #prepareRoom}); null when none was made. Written
         * by the renewal, read by the next flip once the renewal is over.
         */
        private SourceTable.Room room;

        /** Creates both generations, {@code capacity} records each, and puts them into {@code outer}. */
        NetworkMaps(Network network, BpfMap outer, int capacity) {
            this.network = network;
            this.outer = outer;
            this.capacity = capacity;
            try {
                for (int slot = 0; slot < 2; slot++) {
                    install(slot, create());
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        Network network() {
            return network;
        }

        /** The generation of {@code slot} now. */
        synchronized BpfMap generation(int slot) {
            return bySlot[slot].map();
        }

        private BpfMapHandle create() {
            return BpfMapHandle.createHash(network == Network.IPV4 ? "gen_v4" : "gen_v6",
                    SourceTable.keyLayout(network).size(), XicRecordLayout.SIZE, capacity);
        }

        /** Puts {@code generation} into the program's slot and closes the one it replaces. */
        private synchronized void install(int slot, BpfMapHandle generation) {
            try (Arena arena = Arena.ofConfined()) {
                outer.update(arena.allocateFrom(ValueLayout.JAVA_INT, slot),
                        arena.allocateFrom(ValueLayout.JAVA_INT, generation.map().fd()));
            } catch (RuntimeException e) {
                generation.close();
                throw e;
            }
            BpfMapHandle replaced = bySlot[slot];
            bySlot[slot] = generation;
            if (replaced != null) {
                replaced.close();
            }
        }

        /**
         * Empties the generation of {@code slot}, which nothing writes and
         * which holds {@code records}. Creating a map costs time in proportion
         * to its capacity, deleting in proportion to the records: a fresh map
         * takes the place of a generation more than a quarter full (the kernel
         * frees the old one whole), a less full one's records are deleted, and so
         * is every record when the kernel has no memory for a fresh map.
         */
        void renew(int slot, int records, ReadStrategy strategy) {
            if (records == 0) {
                return;
            }
            if (records > capacity / 4) {
                try {
                    install(slot, create());
                    return;
                } catch (RuntimeException e) {
                    // No memory for a third generation for a moment, say: empty this one in place.
                }
            }
            generation(slot).readAll(strategy, true, READ_CHUNK, (keys, values, n) -> { });
        }

        /** Room for a little more than the last window held, up to the capacity (see SourceTable.Builder). */
        private int expected() {
            return (int) Math.min(capacity, lastCount + (long) lastCount / 16);
        }

        /**
         * Makes the arrays the next read fills, so that the flip does not wait
         * while they are allocated and zeroed; none after an empty window.
         * This keeps one more window's worth of arrays on the heap between
         * flips, bounded by the capacity.
         */
        void prepareRoom() {
            try {
                room = lastCount == 0 ? null : SourceTable.Room.forSources(network, expected());
            } catch (OutOfMemoryError e) {
                // Only a head start: the next read allocates what it needs itself.
                room = null;
            }
        }

        /** The room made for this read, else room made now. */
        private SourceTable.Room takeRoom() {
            SourceTable.Room prepared = room;
            room = null;
            return prepared != null ? prepared : SourceTable.Room.forSources(network, expected());
        }

        @Override
        public void close() {
            for (BpfMapHandle generation : bySlot) {
                if (generation != null) {
                    generation.close();
                }
            }
        }
    }

    private final ProgramGlobals globals;
    private final NetworkMaps v4;
    private final NetworkMaps v6;
    private final StatisticsReader statistics;
    private final OverflowReader overflows;
    private final RecordedKeysFilter recordedKeys;
    /** Empties ended generations off the flip's path; one at a time, in order. */
    private final ExecutorService renewer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("xdp-ip-counter-generations").factory());
    /** Guarded by this: the emptying of the generation the next flip switches to. */
    private Future<?> renewal = CompletableFuture.completedFuture(null);
    /** Guarded by this: flips and reads of the maps are serialised. */
    private int slot;
    /** When the window in progress began, on the program's clock. */
    private long windowStartNanos;
    /** Windows completed so far: the last one's sequence number. */
    private long windows;
    private boolean closed;

    /** The program counts into slot 0 from {@code startNanos} on. */
    Generations(ProgramGlobals globals, NetworkMaps v4, NetworkMaps v6, StatisticsReader statistics,
                OverflowReader overflows, RecordedKeysFilter recordedKeys, long startNanos) {
        this.globals = globals;
        this.v4 = v4;
        this.v6 = v6;
        this.statistics = statistics;
        this.overflows = overflows;
        this.recordedKeys = recordedKeys;
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
        awaitRenewal();
        int ended = slot;
        long startNanos = windowStartNanos;
        Instant end = Instant.now();
        long flipNanos = globals.tickAndSwitchTo(ended ^ 1);
        slot = ended ^ 1;
        windowStartNanos = flipNanos;
        waitForRunningPrograms(ended);
        SourceTable sourcesV4 = read(v4, ended, strategy, startNanos, flipNanos);
        SourceTable sourcesV6 = read(v6, ended, strategy, startNanos, flipNanos);
        Overflow overflow = overflows.drain(ended);
        recordedKeys.reset(ended);
        Statistics counted = statistics.drain(ended);
        int recordsV4 = sourcesV4.count();
        int recordsV6 = sourcesV6.count();
        renewal = renewer.submit(() -> {
            v4.renew(ended, recordsV4, strategy);
            v6.renew(ended, recordsV6, strategy);
            v4.prepareRoom();
            v6.prepareRoom();
        });
        return new Window(++windows, end, startNanos, flipNanos, sourcesV4, sourcesV6, counted, overflow);
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
            forget(maps.generation(slot), maps.network(), counted);
        }
    }

    /** Deletes the records of {@code generation} whose source {@code counted} refuses. */
    private static void forget(BpfMap generation, Network network, BiPredicate<Network, byte[]> counted) {
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
            refused.forEach(generation::delete);
        }
    }

    /** Waits for a flip in progress; flips fail from now on. The generation maps are closed. */
    synchronized void close() {
        closed = true;
        try {
            awaitRenewal();
        } catch (RuntimeException e) {
            // Closing anyway: the maps go with the object.
        }
        renewer.shutdown();
        v4.close();
        v6.close();
    }

    /**
     * Waits until the ended generation is empty and the room for the next
     * read made: for a benchmark that must not time anything beside it.
     */
    synchronized void awaitEmptied() {
        awaitRenewal();
    }

    /** Waits until the generation the next flip switches to is empty. */
    private void awaitRenewal() {
        try {
            renewal.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a generation was emptied", e);
        } catch (ExecutionException e) {
            // Not even its records could be deleted: every flip fails from here on, rather than
            // count them again in the next window.
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /**
     * Sets the recorded-keys filter of the current generations that became
     * full: once, from their records, which no longer change.
     */
    synchronized void filterFull() {
        if (!closed) {
            recordedKeys.update(slot, new BpfMap[] {v4.generation(slot), v6.generation(slot)});
        }
    }

    /** The generation the program writes now. */
    synchronized int current() {
        return slot;
    }

    /** The map of {@code network}'s generation the program writes now. */
    synchronized BpfMap current(Network network) {
        return (network == Network.IPV4 ? v4 : v6).generation(slot);
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
                maps.outer.update(key, arena.allocateFrom(ValueLayout.JAVA_INT, maps.generation(ended).fd()));
            }
        }
    }

    /** The ended generation's records, of a window from {@code startNanos} to {@code endNanos}. */
    private static SourceTable read(NetworkMaps generations, int ended, ReadStrategy strategy,
                                    long startNanos, long endNanos) {
        SourceTable.Builder table = new SourceTable.Builder(generations.takeRoom(), startNanos, endNanos);
        generations.generation(ended).readAll(strategy, false, READ_CHUNK, table::append);
        generations.lastCount = table.count();
        return table.build();
    }
}
