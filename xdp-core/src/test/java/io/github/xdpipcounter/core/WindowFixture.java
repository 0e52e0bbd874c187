package io.github.xdpipcounter.core;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import io.github.xdpipcounter.core.bpf.XicKeyLayout;
import io.github.xdpipcounter.core.bpf.XicRecordLayout;

/**
 * Builds a {@link Window} as the program would have produced it, packed in
 * the shared C layouts, without loading BPF: for tests of what consumes
 * windows (the exporter), which need not run as root. Windows of real
 * traffic are tested in this module's privileged tests.
 */
public final class WindowFixture {
    /** Fixtures built later carry higher numbers, as a counter's windows do. */
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private final Instant end;
    private final long startNanos = 1_000_000_000L;
    private final long endNanos;
    private final SourceTable.Builder v4 = new SourceTable.Builder(Network.IPV4);
    private final SourceTable.Builder v6 = new SourceTable.Builder(Network.IPV6);
    private final long[] ignored = new long[IgnoreReason.values().length];
    private long evicted;
    private long sequence = SEQUENCE.incrementAndGet();

    private WindowFixture(Instant start, Duration length) {
        this.end = start.plus(length);
        this.endNanos = startNanos + length.toNanos();
    }

    public static WindowFixture starting(Instant start, Duration length) {
        return new WindowFixture(start, length);
    }

    /** Adds a source; first and last seen are offsets into the window. */
    public WindowFixture source(String address, Transport transport, int port, long packets, long bytes,
                                Duration firstSeen, Duration lastSeen) {
        byte[] raw;
        try {
            raw = address.startsWith("::ffff:") && address.contains(".")
                    ? mapped(InetAddress.getByName(address.substring(7)).getAddress())
                    : InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
        Network network = raw.length == 4 ? Network.IPV4 : Network.IPV6;
        XicKeyLayout layout = SourceTable.keyLayout(network);
        MemorySegment key = MemorySegment.ofArray(new byte[layout.size()]);
        layout.write(key, raw, port, transport.code());
        MemorySegment record = MemorySegment.ofArray(new byte[XicRecordLayout.SIZE]);
        XicRecordLayout.write(record, packets, bytes, startNanos + firstSeen.toNanos(), startNanos + lastSeen.toNanos());
        (network == Network.IPV4 ? v4 : v6).append(key, record, 1);
        return this;
    }

    /** Adds a source of one packet of 60 bytes, seen one second into the window. */
    public WindowFixture source(String address, Transport transport, int port) {
        return source(address, transport, port, 1, 60, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    /** Adds {@code count} distinct IPv4 sources (10.x.y.z upwards) to one port, cheaply. */
    public WindowFixture manyIpv4Sources(int count, Transport transport, int port) {
        for (int i = 0; i < count; i++) {
            int a = 0x0a000001 + i;
            source(((a >>> 24) & 0xff) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff),
                    transport, port, 3, 180, Duration.ofMillis(100), Duration.ofMillis(900));
        }
        return this;
    }

    public WindowFixture ignored(IgnoreReason reason, long packets) {
        ignored[reason.code()] += packets;
        return this;
    }

    /** Records this many more insertions than sources, as when the maps evicted some. */
    public WindowFixture evicted(long sources) {
        evicted = sources;
        return this;
    }

    /** Gives the window this sequence number instead of the next one. */
    public WindowFixture sequence(long number) {
        sequence = number;
        return this;
    }

    public Window build() {
        long inserted = v4.count() + v6.count() + evicted;
        return new Window(sequence, end, startNanos, endNanos, v4.build(), v6.build(),
                new Statistics(Arrays.copyOf(ignored, ignored.length), inserted, 0));
    }

    private static byte[] mapped(byte[] v4) {
        byte[] bytes = new byte[16];
        bytes[10] = bytes[11] = (byte) 0xff;
        System.arraycopy(v4, 0, bytes, 12, 4);
        return bytes;
    }
}
