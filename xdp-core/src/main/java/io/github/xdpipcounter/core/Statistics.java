package io.github.xdpipcounter.core;

import java.util.Arrays;

/**
 * The XDP program's counters for one window, summed over CPUs.
 * Counted packets are not among them: they are the sum of the window's
 * sources (see {@link Window#countedPackets()}).
 */
public final class Statistics {
    private final long[] ignored;
    private final long insertFailed;

    Statistics(long[] ignored, long insertFailed) {
        if (ignored.length != IgnoreReason.values().length) {
            throw new IllegalArgumentException("expected " + IgnoreReason.values().length + " ignore counters");
        }
        this.ignored = ignored.clone();
        this.insertFailed = insertFailed;
    }

    /**
     * Packets passed uncounted for this reason.
     *
     * @param reason why
     * @return the packets
     */
    public long ignored(IgnoreReason reason) {
        return ignored[reason.code()];
    }

    /**
     * Packets passed uncounted, for any reason.
     *
     * @return the packets
     */
    public long ignoredTotal() {
        return Arrays.stream(ignored).sum();
    }

    /**
     * Source records the program could not create for another reason than
     * room (a full generation is not a failure: see
     * {@link Window#capacityExceeded()}); their packets are in the row's overflow.
     *
     * @return the records
     */
    public long insertFailed() {
        return insertFailed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Statistics s && Arrays.equals(ignored, s.ignored)
                && insertFailed == s.insertFailed;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ignored) + Long.hashCode(insertFailed);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Statistics[");
        for (IgnoreReason r : IgnoreReason.values()) {
            sb.append(r.label()).append('=').append(ignored(r)).append(", ");
        }
        return sb.append("insert_failed=").append(insertFailed).append(']').toString();
    }
}
