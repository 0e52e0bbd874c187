package io.github.xdpipcounter.core.internal.layout;

import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import io.github.xdpipcounter.core.internal.libbpf.xic_flood;

/**
 * The program's {@code struct xic_flood}, inside its mapped global: which
 * generations refused a record for lack of room (the program sets those
 * flags) and which of them have their recorded-keys filter set (userspace
 * sets those), and which generations' rows took entries of the overflow
 * array. Every access is volatile: the program reads and writes the
 * flags while it runs.
 */
public final class XicFlood {
    private static final VarHandle FULL = xic_flood.full$layout().varHandle(
            PathElement.sequenceElement(), PathElement.sequenceElement());
    private static final VarHandle FILTERED = xic_flood.filtered$layout().varHandle(
            PathElement.sequenceElement(), PathElement.sequenceElement());

    private static final VarHandle OVERFLOWED = xic_flood.overflowed$layout().varHandle(PathElement.sequenceElement());

    private final MemorySegment memory;

    /** A view of the struct at the start of {@code memory}. */
    XicFlood(MemorySegment memory) {
        this.memory = memory;
    }

    /** Whether network {@code network}'s (0: IPv4, 1: IPv6) generation {@code slot} refused a record. */
    public boolean full(int slot, int network) {
        return (int) FULL.getVolatile(memory, xic_flood.full$offset(), (long) slot, (long) network) != 0;
    }

    /** Whether the recorded-keys filter of {@code slot} holds network {@code network}'s full generation. */
    public boolean filtered(int slot, int network) {
        return (int) FILTERED.getVolatile(memory, xic_flood.filtered$offset(), (long) slot, (long) network) != 0;
    }

    /** Tells the program that the recorded-keys filter of {@code slot} holds the network's records. */
    public void markFiltered(int slot, int network) {
        FILTERED.setVolatile(memory, xic_flood.filtered$offset(), (long) slot, (long) network, 1);
    }

    /** Whether a row took an entry of the overflow array in generation {@code slot}. */
    public boolean overflowed(int slot) {
        return (int) OVERFLOWED.getVolatile(memory, xic_flood.overflowed$offset(), (long) slot) != 0;
    }

    /** Clears both networks' flags of {@code slot}, and its overflowed flag. */
    public void clear(int slot) {
        for (long network = 0; network < 2; network++) {
            FULL.setVolatile(memory, xic_flood.full$offset(), (long) slot, network, 0);
            FILTERED.setVolatile(memory, xic_flood.filtered$offset(), (long) slot, network, 0);
        }
        OVERFLOWED.setVolatile(memory, xic_flood.overflowed$offset(), (long) slot, 0);
    }
}
