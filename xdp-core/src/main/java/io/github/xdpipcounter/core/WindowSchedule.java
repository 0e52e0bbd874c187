package io.github.xdpipcounter.core;

/**
 * When windows close, on the monotonic clock ({@link System#nanoTime}):
 * at fixed boundaries {@code origin + k * length}, so that windows keep their
 * phase however long each flip takes.
 *
 * <p>A process that stalls (SIGSTOP, a long GC, a VM paused) wakes up past
 * one or more boundaries. It then closes the window once, at once, instead of
 * catching up with a burst of near-empty windows, and the next window closes
 * at the next boundary; when that boundary is less than half a window away,
 * the next window runs on to the one after it. So no published window is
 * shorter than half the configured length, except the last one of a counter
 * that is closing.
 */
final class WindowSchedule {
    private final long originNanos;
    private final long lengthNanos;

    WindowSchedule(long originNanos, long lengthNanos) {
        if (lengthNanos <= 0) {
            throw new IllegalArgumentException("window length must be positive, not " + lengthNanos + " ns");
        }
        this.originNanos = originNanos;
        this.lengthNanos = lengthNanos;
    }

    /** When the window that began at {@code startNanos} is to close: the first boundary at least half a window after it. */
    long closeOf(long startNanos) {
        long elapsed = startNanos - originNanos;
        long boundary = originNanos + (Math.floorDiv(elapsed, lengthNanos) + 1) * lengthNanos;
        if (boundary - startNanos < lengthNanos / 2) {
            boundary += lengthNanos;
        }
        return boundary;
    }
}
