package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.github.xdpipcounter.core.bpf.BpfMap;

/**
 * Waits for every run of the program in progress to end, so that memory
 * it may still read can be rewritten: by updating the one entry of the
 * object's {@code grace_period} map-of-maps, which the kernel returns from
 * only after an RCU grace period (every XDP run holds the RCU read lock).
 * The program never reads that map; the update stores the inner map it
 * already holds.
 */
final class GracePeriod {
    private final BpfMap outer;
    private final BpfMap inner;

    GracePeriod(BpfMap outer, BpfMap inner) {
        this.outer = outer;
        this.inner = inner;
    }

    /** Returns once every program run that started before the call has ended. */
    void await() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment fd = arena.allocate(ValueLayout.JAVA_INT);
            fd.set(ValueLayout.JAVA_INT, 0, inner.fd());
            outer.update(key, fd);
        }
    }
}
