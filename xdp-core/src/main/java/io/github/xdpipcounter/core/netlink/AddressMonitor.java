package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.xdpipcounter.core.bpf.Errno;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.EAGAIN;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NETLINK_ROUTE;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTMGRP_IPV4_IFADDR;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTMGRP_IPV6_IFADDR;

/**
 * The addresses of this host: every IPv4 and IPv6 address of every
 * interface of a network namespace, kept current from the kernel's
 * notifications (rtnetlink groups RTMGRP_IPV4_IFADDR and
 * RTMGRP_IPV6_IFADDR) without polling.
 *
 * <pre>{@code
 * try (AddressMonitor monitor = AddressMonitor.open(addresses -> useTheseAddresses(addresses))) {
 *     List<LocalAddress> now = monitor.addresses(); // already read by open()
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Snapshots, not events.</b> The listener is given the whole list of
 * addresses each time it changes, rather than "added" and "removed" events:
 * what a caller wants is to keep something equal to the host's addresses,
 * and a whole list is that with nothing to get wrong. It also makes lost
 * notifications the monitor's business alone: when the kernel drops some
 * (its queue overflowed: ENOBUFS) or one cannot be read, the monitor reads
 * every address again (an RTM_GETADDR dump) and the list after it is simply
 * the next snapshot, so there is no lost-events callback to handle. Until
 * that dump ends the last snapshot stands, which may miss a change made
 * meanwhile.
 *
 * <p><b>Namespace.</b> As for {@link LinkMonitor}: the monitor watches the
 * network namespace of the thread that calls {@link #open} (the kernel
 * fixes a socket's namespace when the socket is created, from the creating
 * thread), and its delivery thread, started by the opening thread, is in
 * that namespace too. An open monitor keeps its namespace alive.
 *
 * <p><b>Delivery.</b> {@link #open} reads the addresses before it returns
 * (a failure is its exception). The listener runs on one daemon thread of
 * the monitor's, one call at a time: first with the list {@code open} read,
 * then with every list that differs from the one before. A listener that
 * throws is logged and delivery goes on. A change the kernel announces
 * reaches the listener within milliseconds. Several changes in one burst
 * may come as one list.
 *
 * <p>Needs no privileges: any process may read and follow the addresses.
 */
public final class AddressMonitor implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(AddressMonitor.class.getName());
    private static final AtomicInteger MONITORS = new AtomicInteger();
    /** How long open() waits for the first dump; it takes well under a millisecond. */
    private static final Duration FIRST_DUMP_LIMIT = Duration.ofSeconds(10);
    private static final String DUMP = "read the local addresses (RTM_GETADDR dump)";

    private final NetlinkSocket socket;
    private final Consumer<List<LocalAddress>> listener;
    private final AddressTable table = new AddressTable();
    private final NotificationReceiver receiver;
    /** Set before the delivery thread starts: from then on, lists go to the listener. */
    private boolean delivering;
    private int lastSequence;
    private List<LocalAddress> delivered;
    private volatile List<LocalAddress> current;

    private AddressMonitor(NetlinkSocket socket, Consumer<List<LocalAddress>> listener) {
        this.socket = socket;
        this.listener = listener;
        this.receiver = new NotificationReceiver("address-monitor-" + MONITORS.incrementAndGet(), socket,
                new NotificationReceiver.Handler() {
                    @Override
                    public String received(MemorySegment datagram) {
                        return table.read(datagram);
                    }

                    @Override
                    public void lost(String why) {
                        LOGGER.log(System.Logger.Level.WARNING, "address monitor: " + why
                                + "; reading every address again");
                        table.lost();
                    }

                    @Override
                    public void beforeReceive() {
                        dumpIfNeeded();
                        deliver();
                    }
                });
    }

    /**
     * Reads the addresses of the calling thread's network namespace and
     * follows their changes, telling {@code listener} on a daemon thread of
     * the monitor's.
     *
     * @param listener given the whole list of addresses, in the order of
     *                 {@code ip address} (by interface index, IPv4 first),
     *                 immutable: first the list {@link #addresses()} has
     *                 after {@code open}, then each time it changes
     * @throws NetlinkException when the kernel refuses the socket or the
     *                          dump of the addresses
     */
    public static AddressMonitor open(Consumer<List<LocalAddress>> listener) {
        Objects.requireNonNull(listener, "listener");
        NetlinkSocket socket = NetlinkSocket.open(NETLINK_ROUTE(), RTMGRP_IPV4_IFADDR() | RTMGRP_IPV6_IFADDR(),
                NotificationReceiver.RECEIVE_TIMEOUT);
        AddressMonitor monitor = null;
        try {
            monitor = new AddressMonitor(socket, listener);
            monitor.readFirstSnapshot();
            monitor.delivering = true;
            monitor.receiver.start();
            return monitor;
        } catch (RuntimeException | Error e) {
            if (monitor != null) {
                monitor.receiver.close(); // it owns the socket
            } else {
                socket.close();
            }
            throw e;
        }
    }

    /**
     * The addresses now, as the last notification told them: immutable,
     * in the listener's order. Never empty in practice (loopback has
     * 127.0.0.1 and ::1 once it is up), but may be.
     */
    public List<LocalAddress> addresses() {
        return current;
    }

    /** The subscription came first, so no change between the dump and the notifications is missed. */
    private void readFirstSnapshot() {
        long deadline = System.nanoTime() + FIRST_DUMP_LIMIT.toNanos();
        while (table.snapshot() == null) {
            if (table.dumpError() != 0) {
                throw new NetlinkException(DUMP, table.dumpError());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new NetlinkException(DUMP + ", no answer in " + FIRST_DUMP_LIMIT.toSeconds() + " s", EAGAIN());
            }
            receiver.receiveOnce();
        }
        current = table.snapshot();
    }

    /** Asks for a dump when the table needs one; on the receiving thread. */
    private void dumpIfNeeded() {
        if (!table.needsDump()) {
            return;
        }
        if (delivering && table.dumpError() != 0) {
            // Not expected (we never ask while a dump runs): say so, and do not spin on it.
            LOGGER.log(System.Logger.Level.WARNING, "address monitor: the kernel refused a dump of the addresses: "
                    + Errno.describe(table.dumpError()) + "; asking again");
            NotificationReceiver.sleepQuietly(NotificationReceiver.RECEIVE_TIMEOUT);
        }
        lastSequence = lastSequence == Integer.MAX_VALUE ? 1 : lastSequence + 1;
        try (Arena arena = Arena.ofConfined()) {
            socket.send(AddressMessages.dumpRequest(arena, lastSequence), DUMP);
        } catch (NetlinkException e) {
            if (!delivering) {
                throw e;
            }
            LOGGER.log(System.Logger.Level.WARNING, "address monitor: " + e.getMessage() + "; asking again");
            NotificationReceiver.sleepQuietly(NotificationReceiver.RECEIVE_TIMEOUT);
            return;
        }
        table.dumpStarted(lastSequence);
    }

    /** Publishes the table's list, and gives it to the listener when it differs from the last one given. */
    private void deliver() {
        List<LocalAddress> now = table.snapshot();
        if (now == null) {
            return;
        }
        current = now;
        if (delivering && !now.equals(delivered)) {
            delivered = now;
            receiver.call(() -> listener.accept(now), "address listener");
        }
    }

    /**
     * Stops delivery and closes the socket; idempotent. No listener call
     * starts after this is called. Returns when the delivery thread has
     * ended: within 200 ms when the listener is not running, else when it
     * returns (interrupted, in case it waits) or, at the latest, after a
     * further 2 s. Called from the listener, it returns at once.
     */
    @Override
    public void close() {
        receiver.close();
    }
}
