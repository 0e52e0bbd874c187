package io.github.xdpipcounter.core;

import io.github.xdpipcounter.core.internal.layout.XicGlobals;

/**
 * What userspace tells the running program through its global variable:
 * the time, the generation to count into, and the selected ports. Stores
 * reach the next packet without a system call.
 *
 * <p>The clock and the slot are stored under one lock, clock first: the
 * program reads the slot before the clock, so a packet counted in a new
 * generation never carries a time from before that generation began, and
 * the clock never goes back.
 */
final class ProgramGlobals {
    private final XicGlobals globals;
    private boolean closed;

    ProgramGlobals(XicGlobals globals) {
        this.globals = globals;
    }

    /** Publishes the current time; the program stamps records with it until the next tick. */
    synchronized long tick() {
        ensureOpen();
        long now = System.nanoTime();
        globals.clockNs(now);
        return now;
    }

    /** Publishes the current time, then switches the program to {@code slot}; returns that time. */
    synchronized long tickAndSwitchTo(int slot) {
        long now = tick();
        globals.slot(slot);
        return now;
    }

    /**
     * Counts only the selected destination ports from the next packet on.
     * While the bitmap is rewritten a packet may still see the old selection
     * for a port.
     */
    synchronized void selectPorts(PortSelection ports) {
        ensureOpen();
        int filter = 0;
        if (!ports.isAll()) {
            long[] bitmap = ports.toBitmap(XicGlobals.bitmapWords());
            for (int t = 0; t < XicGlobals.bitmapTransports(); t++) {
                globals.portBitmap(t, bitmap);
                filter |= 1 << t;
            }
        }
        globals.portFilter(filter);
    }

    /** Nothing is stored any more; the memory may be unmapped after this. */
    synchronized void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the counter program is closed");
        }
    }
}
