package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.core.internal.layout.XicRecordLayout;

/**
 * Live reads of the window a {@link CounterProgram} is counting, for tests:
 * straight from its maps, unsynchronised, while nobody flips.
 */
final class WindowInProgress {
    private final CounterProgram program;

    WindowInProgress(CounterProgram program) {
        this.program = program;
    }

    /** The statistics counted so far. */
    Statistics statistics() {
        return new StatisticsReader(program.maps().stats()).read(program.generations().current());
    }

    /** The packets counted so far for one source and port; 0 when it has no record. */
    long packets(Network network, byte[] address, Transport transport, int port) {
        BpfMap generation = program.generations().current(network);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(generation.info().keySize(), 8);
            SourceTable.keyLayout(network).write(key, address, port, transport.code());
            MemorySegment record = arena.allocate(XicRecordLayout.SIZE, 8);
            return generation.lookup(key, record) ? XicRecordLayout.packets(record, 0) : 0;
        }
    }
}
