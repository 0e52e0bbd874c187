package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.NLM_F_DUMP_INTR;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NLM_F_MULTI;

/**
 * The local addresses as the datagrams of an {@link AddressMonitor}'s socket
 * tell them: an RTM_GETADDR dump, and the notifications around it, applied
 * in the order the socket received them.
 *
 * <p>Why this order is right: the socket queues the dump's parts and the
 * notifications in the order the kernel made them, and the kernel sends a
 * notification after it made the change. A notification queued before the
 * dump's first part tells of a change the dump shows already; it may also
 * be older than a change the kernel could not queue (the queue was full,
 * which is why a dump was asked for), so it is skipped. A notification
 * queued after the first part is applied: the parts built before it did not
 * show its change, those built after it show it again, and either way the
 * table ends in the kernel's state. Where the kernel says a part may be
 * inconsistent anyway (NLM_F_DUMP_INTR: the table changed while the part
 * was built), the table asks for another dump.
 *
 * <p>Not thread-safe: the receiving thread's.
 */
final class AddressTable {
    private final Map<AddressMessages.Key, LocalAddress> addresses = new HashMap<>();
    /** The request number of the dump running, 0 when none is. */
    private int dumpSequence;
    /** True once the running dump's first part came: notifications from then on are newer than the dump. */
    private boolean dumpAnswered;
    private boolean dumpInterrupted;
    /** True when a dump is needed: none done yet, notifications lost, or the last dump interrupted or refused. */
    private boolean stale = true;
    /** The errno of the last refused dump, 0 when the last dump ended well. */
    private int dumpError;
    /**
     * True when {@code addresses} is whole: a dump ended well and no other
     * started since. While a dump runs or after one failed, it holds a part.
     */
    private boolean whole;
    /** True when {@code addresses} changed since {@code snapshot} was taken of it. */
    private boolean changed;
    private List<LocalAddress> snapshot;

    /** The dump numbered {@code sequence} was requested: the table starts again from what it says. */
    void dumpStarted(int sequence) {
        if (sequence == 0) {
            throw new IllegalArgumentException("dump request number 0 is the kernel's own");
        }
        addresses.clear();
        whole = false;
        dumpSequence = sequence;
        dumpAnswered = false;
        dumpInterrupted = false;
        stale = false;
    }

    /** True while a dump runs: its parts are not a whole snapshot yet. */
    boolean dumping() {
        return dumpSequence != 0;
    }

    /** True when the table needs a dump to be right and none is running. */
    boolean needsDump() {
        return stale && !dumping();
    }

    /** Notifications were lost: the table needs a dump. */
    void lost() {
        stale = true;
    }

    /** The errno with which the kernel refused the last dump, 0 when it ended well or none ended yet. */
    int dumpError() {
        return dumpError;
    }

    /**
     * The addresses after the last whole dump and every notification since,
     * in {@link LocalAddress#ORDER}, immutable; null before the first dump
     * ended. While a dump runs, and after one failed, what was current
     * before it.
     */
    List<LocalAddress> snapshot() {
        if (changed && whole) {
            // Two peers of one IPv4 address are two entries of the kernel's but one address of the host's.
            snapshot = addresses.values().stream().distinct().sorted(LocalAddress.ORDER).toList();
            changed = false;
        }
        return snapshot;
    }

    /**
     * Applies the messages of a datagram of the monitor's socket.
     *
     * @return why some of it could not be read (what it said is lost: the
     *         table then needs a dump), or null
     */
    String read(MemorySegment datagram) {
        NetlinkMessages.Walk walk = NetlinkMessages.walk(datagram, new NetlinkMessages.Handler() {
            @Override
            public void message(int type, int flags, int sequence, MemorySegment payload) {
                AddressMessages.Change change = AddressMessages.read(type, payload);
                if (change == null) {
                    return;
                }
                // A notification carries the number of the request that made the change, but never NLM_F_MULTI.
                boolean dumpPart = dumping() && sequence == dumpSequence && (flags & NLM_F_MULTI()) != 0;
                if (dumping() && !dumpAnswered && !dumpPart) {
                    return; // older than the dump, which shows its change
                }
                dumpAnswered |= dumpPart;
                if (change.present()) {
                    addresses.put(change.key(), change.address());
                } else {
                    addresses.remove(change.key());
                }
                changed = true;
                if (dumpPart && (flags & NLM_F_DUMP_INTR()) != 0) {
                    dumpInterrupted = true;
                }
            }

            @Override
            public void error(int sequence, int errno) {
                dumpEnded(sequence, errno);
            }

            @Override
            public void done(int sequence, int errno) {
                dumpEnded(sequence, errno);
            }
        });
        if (!walk.complete()) {
            stale = true;
            return String.join("; ", walk.problems());
        }
        return null;
    }

    private void dumpEnded(int sequence, int errno) {
        if (sequence != dumpSequence || !dumping()) {
            return; // not about our dump: nothing of ours ended
        }
        dumpSequence = 0;
        dumpError = errno;
        if (errno != 0 || dumpInterrupted) {
            stale = true; // and notifications lost during the dump left it stale already
        }
        whole = errno == 0;
        changed = true; // a snapshot even when it is empty or the same as before
    }
}
