package io.github.xdpipcounter.cli;

import java.util.Locale;
import java.util.StringJoiner;

import io.github.xdpipcounter.core.IgnoreReason;
import io.github.xdpipcounter.core.Network;
import io.github.xdpipcounter.core.Statistics;
import io.github.xdpipcounter.core.Window;

/**
 * The one line --verbose logs per window: which window, its sources per
 * network, the ports they reached, packets counted and ignored (by reason),
 * and sources lost for lack of room. For example
 * {@code window 12 (2026-11-27T18:03:00.012Z to 2026-11-27T18:04:00.012Z, 60.0 s): 6 sources (IPv4 3, IPv6 3)
 * on 4 ports; 48 packets (3,120 bytes) counted, 2 ignored (not_ip 2); 0 without room}. The wall-clock labels are the
 * window's own (see {@link Window#start()}); the length is measured on the monotonic clock.
 */
final class WindowSummary {
    private WindowSummary() {
    }

    static String of(Window window) {
        StringJoiner networks = new StringJoiner(", ");
        for (Network network : Network.values()) {
            networks.add(network.label() + " " + number(window.sourceCount(network)));
        }
        Statistics statistics = window.statistics();
        StringJoiner reasons = new StringJoiner(", ");
        for (IgnoreReason reason : IgnoreReason.values()) {
            long ignored = statistics.ignored(reason);
            if (ignored > 0) {
                reasons.add(reason.label() + " " + number(ignored));
            }
        }
        long ignoredTotal = statistics.ignoredTotal();
        return "window " + window.sequence() + " (" + window.start() + " to " + window.end() + ", "
                + String.format(Locale.ROOT, "%.1f s", window.duration().toMillis() / 1000.0) + "): "
                + number(window.sourceCount()) + " sources (" + networks + ") on " + number(window.portActivity().size())
                + " ports; " + number(window.countedPackets()) + " packets (" + number(window.countedBytes()) + " bytes) counted, "
                + number(ignoredTotal) + " ignored" + (ignoredTotal > 0 ? " (" + reasons + ")" : "")
                + "; " + number(window.sourcesWithoutRoom()) + " without room";
    }

    private static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
