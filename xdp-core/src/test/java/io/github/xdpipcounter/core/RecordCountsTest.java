package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.core.internal.layout.XicRecordLayout;
import io.github.xdpipcounter.testing.RequiresRoot;

import static io.github.xdpipcounter.testing.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record's packets and bytes share one word that the program adds to
 * once per packet (see struct xic_record): each field wraps, and the
 * program keeps the wraps beside it. These cases start a record next to a
 * wrap and count across it through BPF_PROG_TEST_RUN, and one counts a
 * whole packets field's worth of real packets.
 */
@RequiresRoot
class RecordCountsTest {
    private static final long PACKETS_FIELD = 1L << 24;
    private static final long BYTES_FIELD = 1L << 40;
    private static final String SOURCE = "192.0.2.9";
    private static final int PORT = 443;
    private static final byte[] SYN = ethernet(ETH_P_IP, ipv4(SOURCE, "198.51.100.1", IPPROTO_TCP, tcp(40000, PORT)));

    @Test
    void thePacketsFieldWrapsIntoItsWraps() {
        assertThat(countFrom(PACKETS_FIELD - 2, 1_000, 5)).isEqualTo(new Counts(PACKETS_FIELD + 3, 1_000 + 5L * SYN.length));
    }

    @Test
    void theBytesFieldCarriesIntoItsCarriesNotIntoThePackets() {
        assertThat(countFrom(7, BYTES_FIELD - 100, 3)).isEqualTo(new Counts(10, BYTES_FIELD - 100 + 3L * SYN.length));
    }

    @Test
    void oneAddCanCarryTheBytesAndWrapThePackets() {
        assertThat(countFrom(PACKETS_FIELD - 1, BYTES_FIELD - 10, 1))
                .isEqualTo(new Counts(PACKETS_FIELD, BYTES_FIELD - 10 + SYN.length));
        assertThat(countFrom(PACKETS_FIELD - 2, BYTES_FIELD - 10, 2))
                .isEqualTo(new Counts(PACKETS_FIELD, BYTES_FIELD - 10 + 2L * SYN.length));
    }

    @Test
    void wrapsAddUpOverManyFields() {
        assertThat(countFrom(3 * PACKETS_FIELD - 1, 5 * BYTES_FIELD - 1, 2))
                .isEqualTo(new Counts(3 * PACKETS_FIELD + 1, 5 * BYTES_FIELD - 1 + 2L * SYN.length));
    }

    @Test
    void moreThanAPacketsFieldOfRealPacketsIsCountedExactly() {
        long packets = PACKETS_FIELD + 1_000;
        try (CounterProgram program = CounterProgram.load(16)) {
            program.completeWindow();
            long sent = 0;
            while (sent < packets) {
                int repeat = (int) Math.min(4_000_000, packets - sent);
                program.program().testRun(frame(), repeat);
                sent += repeat;
            }
            assertThat(counts(program.completeWindow())).isEqualTo(new Counts(packets, packets * SYN.length));
        }
    }

    private record Counts(long packets, long bytes) {
    }

    /** Counts one packet, sets its record to the given counts, counts {@code more} packets, and reads the window. */
    private static Counts countFrom(long packets, long bytes, int more) {
        try (CounterProgram program = CounterProgram.load(16); Arena arena = Arena.ofConfined()) {
            program.completeWindow();
            program.program().testRun(SYN);
            BpfMap generation = program.generations().current(Network.IPV4);
            MemorySegment key = arena.allocate(generation.info().keySize(), 8);
            SourceTable.keyLayout(Network.IPV4).write(key, InetAddress.ofLiteral(SOURCE).getAddress(), PORT,
                    Transport.TCP.code());
            MemorySegment record = arena.allocate(XicRecordLayout.SIZE, 8);
            XicRecordLayout.write(record, packets, bytes, 1, 1);
            generation.update(key, record);
            program.program().testRun(frame(), more);
            return counts(program.completeWindow());
        }
    }

    private static MemorySegment frame() {
        return Arena.ofAuto().allocateFrom(ValueLayout.JAVA_BYTE, SYN);
    }

    private static Counts counts(Window window) {
        assertThat(window.sources()).hasSize(1);
        Source source = window.sources().getFirst();
        return new Counts(source.packets(), source.bytes());
    }
}
