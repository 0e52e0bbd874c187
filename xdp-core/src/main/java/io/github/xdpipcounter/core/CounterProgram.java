package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.core.bpf.BpfMap.ReadStrategy;
import io.github.xdpipcounter.core.bpf.BpfObject;
import io.github.xdpipcounter.core.bpf.BpfProgram;
import io.github.xdpipcounter.core.bpf.Libbpf;
import io.github.xdpipcounter.core.bpf.MappedMemory;
import io.github.xdpipcounter.core.bpf.SharedLayouts;
import io.github.xdpipcounter.core.bpf.XdpLink;
import io.github.xdpipcounter.core.bpf.XdpMode;

/**
 * The loaded xdp_ip_counter program with its maps: the unit that attaches
 * to interfaces and turns its two map generations into {@link Window}s.
 * {@link IpCounter} drives one on a schedule; tests and embedders may drive
 * one by hand (for instance through {@link BpfProgram#testRun}).
 *
 * <h2>How a window flip is exact</h2>
 * The program reads the slot (0 or 1) from its .bss once per packet and
 * counts into generation {@code slot} of each generations map. To end a
 * window, {@link #completeWindow} stores the other slot through the
 * memory-mapped .bss, then updates an entry of a map-of-maps: the kernel
 * returns from that update only after every program run in flight has
 * finished ({@code maybe_wait_bpf_programs}, a synchronize_rcu). Every
 * packet that read the old slot is then counted in the old generation, every
 * later one in the new: no packet lands in two windows or in none. The old
 * generation is then read and emptied with batch operations while the
 * program writes the other one.
 */
public final class CounterProgram implements AutoCloseable {
    public static final String OBJECT_RESOURCE = "/io/github/xdpipcounter/bpf/xdp_ip_counter.bpf.o";
    public static final String PROGRAM_NAME = "xdp_ip_counter";
    private static final int READ_CHUNK = 8192;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final BpfObject object;
    private final BpfProgram program;
    private final BpfMap[] generationsV4 = new BpfMap[2];
    private final BpfMap[] generationsV6 = new BpfMap[2];
    private final BpfMap outerV4;
    private final BpfMap outerV6;
    private final BpfMap stats;
    private final MappedMemory globals;
    private final int maxSources;
    private final List<XdpLink> links = new ArrayList<>();
    /** Orders clock and slot stores, so that the clock never goes back. */
    private final Object clockLock = new Object();
    /**
     * Serialises flips and reads of the maps. A flip of a large window takes
     * a while; attach and selectPorts do not wait for it (they lock this).
     */
    private final Object flipLock = new Object();
    private int slot;
    /** When the window in progress began, on the program's clock. */
    private long windowStartNanos;
    /** Windows completed so far: the last one's sequence number. */
    private long windows;
    private volatile boolean closed;

    private CounterProgram(BpfObject object, int maxSources) {
        this.object = object;
        this.maxSources = maxSources;
        this.program = object.program(PROGRAM_NAME);
        for (int g = 0; g < 2; g++) {
            generationsV4[g] = object.map("gen_v4_" + g);
            generationsV6[g] = object.map("gen_v6_" + g);
        }
        this.outerV4 = object.map("generations_v4");
        this.outerV6 = object.map("generations_v6");
        this.stats = object.map("stats");
        this.globals = MappedMemory.map(object.map(".bss"), SharedLayouts.GLOBALS_SIZE);
    }

    /**
     * Loads the program from this library's jar, with room for
     * {@code maxSources} records per network and generation. The kernel
     * preallocates that room: about 100 bytes per record, four generations.
     */
    public static CounterProgram load(int maxSources) {
        if (maxSources < 1) {
            throw new IllegalArgumentException("max sources must be at least 1, not " + maxSources);
        }
        Libbpf.requireAvailable();
        checkSharedEnums();
        BpfObject object = BpfObject.openResource("xdp_ip_counter", CounterProgram.class, OBJECT_RESOURCE);
        try {
            for (int g = 0; g < 2; g++) {
                object.setMaxEntries("gen_v4_" + g, maxSources);
                object.setMaxEntries("gen_v6_" + g, maxSources);
            }
            object.load();
            CounterProgram counter = new CounterProgram(object, maxSources);
            synchronized (counter.clockLock) {
                counter.windowStartNanos = counter.publishClock();
            }
            return counter;
        } catch (RuntimeException | Error e) {
            object.close();
            throw e;
        }
    }

    /** The Java enums mirror the C enums by ordinal; a mismatch is a build error, caught early. */
    private static void checkSharedEnums() {
        if (Transport.values().length != SharedLayouts.TRANSPORT_COUNT
                || Transport.UDP_LITE.code() != SharedLayouts.TRANSPORT_UDPLITE
                || Transport.SCTP.code() != SharedLayouts.TRANSPORT_SCTP
                || IgnoreReason.values().length != SharedLayouts.IGNORE_REASON_COUNT
                || IgnoreReason.MALFORMED.code() != SharedLayouts.IGNORED_MALFORMED
                || IgnoreReason.NON_FIRST_FRAGMENT.code() != SharedLayouts.IGNORED_FRAGMENT) {
            throw new IllegalStateException("Java enums disagree with bpf/include/xdp_ip_counter.h");
        }
    }

    /** The XDP program itself, e.g. for {@link BpfProgram#testRun}. */
    public BpfProgram program() {
        return program;
    }

    public int maxSources() {
        return maxSources;
    }

    /**
     * Attaches the program to an interface of the calling thread's network
     * namespace. The link is closed with this program, and by the kernel
     * if the process dies.
     */
    public synchronized XdpLink attach(String interfaceName, XdpMode mode) {
        ensureOpen();
        XdpLink link = XdpLink.attach(program, interfaceName, mode);
        links.add(link);
        return link;
    }

    /** The links made by {@link #attach}, attached or not. */
    public synchronized List<XdpLink> links() {
        return List.copyOf(links);
    }

    /**
     * Counts only the selected destination ports from the next packet on,
     * without reloading. While the bitmap is rewritten a packet may still see
     * the old selection for a port.
     */
    public synchronized void selectPorts(PortSelection ports) {
        ensureOpen();
        MemorySegment memory = globals.segment();
        int filter = 0;
        if (!ports.isAll()) {
            long[] bitmap = ports.toBitmap(SharedLayouts.PORT_WORDS);
            for (int t = 0; t < SharedLayouts.TRANSPORT_COUNT; t++) {
                long base = SharedLayouts.GLOBALS_PORT_BITMAP + (long) t * SharedLayouts.PORT_WORDS * Long.BYTES;
                for (int w = 0; w < bitmap.length; w++) {
                    LONG.setVolatile(memory, base + (long) w * Long.BYTES, bitmap[w]);
                }
                filter |= 1 << t;
            }
        }
        INT.setVolatile(memory, SharedLayouts.GLOBALS_PORT_FILTER, filter);
    }

    /** Publishes the current time to the program; its records carry this tick's time. */
    public void tick() {
        synchronized (clockLock) {
            publishClock();
        }
    }

    private long publishClock() {
        ensureOpen();
        long now = System.nanoTime();
        LONG.setVolatile(globals.segment(), SharedLayouts.GLOBALS_CLOCK, now);
        return now;
    }

    /**
     * Ends the current window: switches the program to the other generation,
     * waits for packets in flight, then reads and empties the generation that
     * ended. The window began when the previous one ended (or at load) and
     * ends now, both on the monotonic clock.
     */
    public Window completeWindow() {
        return completeWindow(ReadStrategy.BATCH);
    }

    /** As {@link #completeWindow()}, reading the maps with the given strategy. */
    public Window completeWindow(ReadStrategy strategy) {
        synchronized (flipLock) {
            return flip(strategy);
        }
    }

    private Window flip(ReadStrategy strategy) {
        ensureOpen();
        int ended = slot;
        long startNanos = windowStartNanos;
        long flipNanos;
        Instant end;
        synchronized (clockLock) {
            // The clock first: a packet that sees the new slot must see a time no older than the flip.
            flipNanos = System.nanoTime();
            end = Instant.now();
            MemorySegment memory = globals.segment();
            LONG.setVolatile(memory, SharedLayouts.GLOBALS_CLOCK, flipNanos);
            INT.setVolatile(memory, SharedLayouts.GLOBALS_SLOT, ended ^ 1);
            slot = ended ^ 1;
            windowStartNanos = flipNanos;
        }
        waitForRunningPrograms(ended);
        SourceTable v4 = drain(generationsV4[ended], Network.IPV4, strategy);
        SourceTable v6 = drain(generationsV6[ended], Network.IPV6, strategy);
        Statistics statistics = drainStatistics(ended);
        return new Window(++windows, end, startNanos, flipNanos, v4, v6, statistics);
    }

    /**
     * Rewrites the ended generation's entry in each map-of-maps with the map
     * it already holds. The program never notices; the update returns only
     * once all program runs that could have read the old slot are over.
     */
    private void waitForRunningPrograms(int ended) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, ended);
            outerV4.update(key, arena.allocateFrom(ValueLayout.JAVA_INT, generationsV4[ended].fd()));
            outerV6.update(key, arena.allocateFrom(ValueLayout.JAVA_INT, generationsV6[ended].fd()));
        }
    }

    private static SourceTable drain(BpfMap generation, Network network, ReadStrategy strategy) {
        SourceTable.Builder table = new SourceTable.Builder(network);
        generation.readAll(strategy, true, READ_CHUNK, table::append);
        return table.build();
    }

    /** The statistics of the window in progress, for tests: a live, unsynchronised read. */
    Statistics currentStatistics() {
        synchronized (flipLock) {
            ensureOpen();
            return readStatistics(slot, false);
        }
    }

    /**
     * The packets counted so far in the window in progress for one source
     * and port (0 when none), for tests: a live, unsynchronised read.
     */
    long currentPackets(Network network, byte[] address, Transport transport, int port) {
        synchronized (flipLock) {
            return readPackets(network, address, transport, port);
        }
    }

    private long readPackets(Network network, byte[] address, Transport transport, int port) {
        ensureOpen();
        BpfMap generation = network == Network.IPV4 ? generationsV4[slot] : generationsV6[slot];
        boolean v4 = network == Network.IPV4;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(generation.keySize(), 8);
            MemorySegment.copy(address, 0, key, ValueLayout.JAVA_BYTE,
                    v4 ? SharedLayouts.KEY_V4_SADDR : SharedLayouts.KEY_V6_SADDR, address.length);
            key.set(ValueLayout.JAVA_SHORT, v4 ? SharedLayouts.KEY_V4_PORT : SharedLayouts.KEY_V6_PORT, (short) port);
            key.set(ValueLayout.JAVA_BYTE, v4 ? SharedLayouts.KEY_V4_TRANSPORT : SharedLayouts.KEY_V6_TRANSPORT,
                    (byte) transport.code());
            MemorySegment record = arena.allocate(SharedLayouts.RECORD_SIZE, 8);
            return generation.lookup(key, record) ? record.get(ValueLayout.JAVA_LONG, SharedLayouts.RECORD_PACKETS) : 0;
        }
    }

    private Statistics drainStatistics(int ended) {
        return readStatistics(ended, true);
    }

    private Statistics readStatistics(int generation, boolean reset) {
        int cpus = Libbpf.possibleCpus();
        int stride = stats.perCpuValueSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, generation);
            MemorySegment values = arena.allocate((long) stride * cpus, 8);
            long[] ignored = new long[SharedLayouts.IGNORE_REASON_COUNT];
            long inserted = 0;
            long insertFailed = 0;
            if (stats.lookup(key, values)) {
                for (int cpu = 0; cpu < cpus; cpu++) {
                    long base = (long) cpu * stride;
                    for (int r = 0; r < ignored.length; r++) {
                        ignored[r] += values.get(ValueLayout.JAVA_LONG, base + SharedLayouts.STATS_IGNORED + (long) r * Long.BYTES);
                    }
                    inserted += values.get(ValueLayout.JAVA_LONG, base + SharedLayouts.STATS_INSERTED);
                    insertFailed += values.get(ValueLayout.JAVA_LONG, base + SharedLayouts.STATS_INSERT_FAILED);
                }
            }
            if (reset) {
                values.fill((byte) 0);
                stats.update(key, values);
            }
            return new Statistics(ignored, inserted, insertFailed);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the counter program is closed");
        }
    }

    /** Detaches every link, then unloads the program and its maps. Idempotent. */
    @Override
    public void close() {
        synchronized (flipLock) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                synchronized (clockLock) {
                    closed = true;
                }
                links.forEach(XdpLink::close);
                globals.close();
                object.close();
            }
        }
    }
}
