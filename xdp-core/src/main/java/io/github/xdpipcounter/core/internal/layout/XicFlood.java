package io.github.xdpipcounter.core.internal.layout;

import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import io.github.xdpipcounter.core.bpf.BpfVariable;
import io.github.xdpipcounter.core.internal.libbpf.xic_flood;

/**
 * The program's {@code struct xic_flood} in its mapped .bss: which
 * generations refused a record for lack of room. The program sets a flag,
 * userspace reads it after the flip that ended the generation and clears it
 * before the generation is used again; both accesses are volatile.
 */
public final class XicFlood {
    private static final VarHandle FULL = xic_flood.full$layout().varHandle(
            PathElement.sequenceElement(),
            PathElement.sequenceElement());

    private final MemorySegment memory;

    public XicFlood(BpfVariable variable) {
        this.memory = Variables.memoryOf(variable, xic_flood.sizeof(), "struct xic_flood");
    }

    /** Whether network {@code network}'s (0: IPv4, 1: IPv6) generation {@code slot} refused a record. */
    public boolean full(int slot, int network) {
        return (int) FULL.getVolatile(memory, xic_flood.full$offset(), (long) slot, (long) network) != 0;
    }

    /** Clears both networks' flags of {@code slot}. */
    public void clear(int slot) {
        for (long network = 0; network < 2; network++) {
            FULL.setVolatile(memory, xic_flood.full$offset(), (long) slot, network, 0);
        }
    }
}
