package io.github.xdpipcounter.core;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.github.xdpipcounter.core.internal.layout.XicKeyLayout;
import io.github.xdpipcounter.core.internal.layout.XicRecordLayout;

/**
 * Builds a {@link Window} from sources given one by one, packed as the
 * program packs them, without loading BPF or needing root: for tests of code
 * that consumes windows (a {@link WindowListener}, a metrics binding), and
 * for replaying windows recorded elsewhere. A window built here behaves as
 * one of a running counter in every respect.
 *
 * <pre>{@code
 * Window window = WindowBuilder.starting(Instant.parse("2026-01-01T00:00:00Z"), Duration.ofSeconds(60))
 *         .source("192.0.2.1", Transport.TCP, 22)
 *         .source("2001:db8::1", Transport.UDP, 53, 4, 320, Duration.ofSeconds(2), Duration.ofSeconds(9))
 *         .build();
 * }</pre>
 */
public final class WindowBuilder {
    /** Windows built later carry higher numbers, as a counter's windows do. */
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** Where the window starts on the monotonic clock; any value, since only differences matter. */
    private static final long START_NANOS = 1_000_000_000L;

    private final Instant end;
    private final long endNanos;
    private final SourceTable.Builder v4;
    private final SourceTable.Builder v6;
    private final long[] ignored = new long[IgnoreReason.values().length];
    private final boolean[] full = new boolean[2];
    private final Map<Long, Overflow.Row> overflow = new HashMap<>();
    private long sequence = SEQUENCE.incrementAndGet();

    private WindowBuilder(Instant start, Duration length) {
        this.end = start.plus(length);
        this.endNanos = START_NANOS + length.toNanos();
        this.v4 = new SourceTable.Builder(Network.IPV4, 0, START_NANOS, endNanos);
        this.v6 = new SourceTable.Builder(Network.IPV6, 0, START_NANOS, endNanos);
    }

    /**
     * A window with no sources yet.
     *
     * @param start  when it began, on the wall clock
     * @param length how long it ran
     * @return a builder numbered after every window built before it
     */
    public static WindowBuilder starting(Instant start, Duration length) {
        if (length.isNegative()) {
            throw new IllegalArgumentException("a window cannot run for " + length);
        }
        return new WindowBuilder(start, length);
    }

    /**
     * Adds a source's record.
     *
     * @param address   an IPv4 or IPv6 address literal; {@code ::ffff:192.0.2.1} stays an IPv6 source
     * @param transport its transport
     * @param port      the destination port, 0-65535
     * @param packets   packets it sent to that port
     * @param bytes     bytes of those packets
     * @param firstSeen when its first packet came, as an offset into the window
     * @param lastSeen  when its last packet came, as an offset into the window
     * @return this builder
     * @throws IllegalArgumentException for text that is not an address literal, or a bad port
     */
    public WindowBuilder source(String address, Transport transport, int port, long packets, long bytes,
                                Duration firstSeen, Duration lastSeen) {
        byte[] raw = addressBytes(address, port);
        Network network = raw.length == 4 ? Network.IPV4 : Network.IPV6;
        XicKeyLayout layout = SourceTable.keyLayout(network);
        MemorySegment key = MemorySegment.ofArray(new byte[layout.size()]);
        layout.write(key, raw, port, transport.code());
        MemorySegment record = MemorySegment.ofArray(new byte[XicRecordLayout.SIZE]);
        XicRecordLayout.write(record, packets, bytes, START_NANOS + firstSeen.toNanos(), START_NANOS + lastSeen.toNanos());
        (network == Network.IPV4 ? v4 : v6).append(key, record, 1);
        return this;
    }

    /**
     * Adds a source of one packet of 60 bytes, seen one second into the window.
     *
     * @param address   an IPv4 or IPv6 address literal
     * @param transport its transport
     * @param port      the destination port
     * @return this builder
     */
    public WindowBuilder source(String address, Transport transport, int port) {
        return source(address, transport, port, 1, 60, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    /**
     * Adds packets the program passed without counting them.
     *
     * @param reason  why they were not counted
     * @param packets how many
     * @return this builder
     */
    public WindowBuilder ignored(IgnoreReason reason, long packets) {
        ignored[reason.code()] += packets;
        return this;
    }

    /**
     * Adds a source that found its network's generation full: it has no
     * record, its packets and bytes count in its row's totals, and it is
     * estimated in its row's sketch. {@link Window#capacityExceeded()}
     * becomes true, and the row {@link PortActivity#estimated()}.
     *
     * @param address   an IPv4 or IPv6 address literal
     * @param transport its transport
     * @param port      the destination port, 0-65535
     * @param packets   packets it sent to that port
     * @param bytes     bytes of those packets
     * @return this builder
     * @throws IllegalArgumentException for text that is not an address literal, or a bad port
     */
    public WindowBuilder withoutRoom(String address, Transport transport, int port, long packets, long bytes) {
        byte[] raw = addressBytes(address, port);
        Network network = raw.length == 4 ? Network.IPV4 : Network.IPV6;
        full[network.ordinal()] = true;
        Overflow.Row row = overflow.computeIfAbsent(PortTally.key(network, transport, port),
                key -> new Overflow.Row(0, 0, new SourceSketch()));
        row.sketch().add(raw);
        overflow.put(PortTally.key(network, transport, port),
                new Overflow.Row(row.packets() + packets, row.bytes() + bytes, row.sketch()));
        return this;
    }

    /**
     * Gives the window this sequence number instead of the next one.
     *
     * @param number its {@link Window#sequence()}
     * @return this builder
     */
    public WindowBuilder sequence(long number) {
        sequence = number;
        return this;
    }

    /**
     * The window.
     *
     * @return a window holding every source added
     */
    public Window build() {
        return new Window(sequence, end, START_NANOS, endNanos, v4.build(), v6.build(),
                new Statistics(Arrays.copyOf(ignored, ignored.length), 0),
                full[0] || full[1] ? new Overflow(full.clone(), Map.copyOf(overflow), null, new BitSet()) : Overflow.NONE);
    }

    /** The address's bytes; {@code ::ffff:192.0.2.1} stays 16 bytes. */
    private static byte[] addressBytes(String address, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0-65535, not " + port);
        }
        return address.startsWith("::ffff:") && address.contains(".")
                ? mapped(InetAddress.ofLiteral(address.substring(7)).getAddress())
                : InetAddress.ofLiteral(address).getAddress();
    }

    private static byte[] mapped(byte[] v4) {
        byte[] bytes = new byte[16];
        bytes[10] = bytes[11] = (byte) 0xff;
        System.arraycopy(v4, 0, bytes, 12, 4);
        return bytes;
    }
}
