package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.NETLINK_ROUTE;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTMGRP_LINK;

/**
 * Tells when network interfaces ("links") of a network namespace appear,
 * change and disappear, as the kernel announces it (rtnetlink multicast
 * group RTMGRP_LINK), without polling.
 *
 * <pre>{@code
 * try (LinkMonitor monitor = LinkMonitor.open(event -> ..., () -> recheckEveryInterface())) {
 *     recheckEveryInterface(); // what happened before open() is not announced
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Namespace.</b> The monitor watches the network namespace of the
 * thread that calls {@link #open}: the kernel fixes a socket's namespace when
 * the socket is created, from the creating thread. Calling {@code open} on a
 * thread that has joined a namespace (setns) is enough; that thread may end
 * afterwards. The delivery thread is started by the opening thread and so is
 * in the same namespace: a listener that looks an interface up by name sees
 * the interfaces the events are about. An open monitor keeps its namespace
 * alive, interfaces included, even after {@code ip netns delete}.
 *
 * <p><b>Delivery.</b> Both callbacks run on one daemon thread of the
 * monitor's, one call at a time, in the kernel's order. A callback that
 * throws is logged and delivery goes on. A slow callback delays the ones
 * behind it; the kernel queues notifications meanwhile, up to
 * net.core.rmem_default (usually 208 KiB: some 90 of them), and drops the
 * rest, which {@code onEventsLost} then reports.
 *
 * <p>Needs no privileges: any process may listen to link notifications.
 */
public final class LinkMonitor implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(LinkMonitor.class.getName());
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final NotificationReceiver receiver;

    private LinkMonitor(NetlinkSocket socket, Consumer<LinkEvent> listener, Runnable onEventsLost) {
        this.receiver = new NotificationReceiver("link-monitor-" + SEQUENCE.incrementAndGet(), socket,
                new NotificationReceiver.Handler() {
                    @Override
                    public String received(MemorySegment datagram) {
                        LinkMessages.Parsed parsed = LinkMessages.parse(datagram);
                        for (LinkEvent event : parsed.events()) {
                            receiver.call(() -> listener.accept(event), "link listener");
                        }
                        if (parsed.complete()) {
                            if (!parsed.problems().isEmpty()) {
                                LOGGER.log(System.Logger.Level.WARNING, String.join("; ", parsed.problems()));
                            }
                            return null;
                        }
                        return String.join("; ", parsed.problems());
                    }

                    @Override
                    public void lost(String why) {
                        LOGGER.log(System.Logger.Level.WARNING, "link monitor: " + why
                                + "; every interface must be checked again");
                        receiver.call(onEventsLost, "events-lost callback");
                    }
                });
    }

    /**
     * Subscribes to link notifications in the calling thread's network
     * namespace and delivers them on a daemon thread of the monitor's.
     *
     * <p>Lost notifications are a callback of their own rather than a kind
     * of {@link LinkEvent}: such an event would have no index and no name,
     * every event handler would have to step around it, and a caller could
     * leave it out without noticing. As an argument of its own it cannot be
     * forgotten, and what it asks for is different anyway: look at every
     * interface you care about again.
     *
     * @param listener     told of every link that appears, changes or goes away
     * @param onEventsLost called when the kernel dropped notifications (its
     *                     queue for this monitor overflowed: ENOBUFS) or one
     *                     could not be read: any link may have changed
     *                     unannounced, so check the current state of every
     *                     link you care about
     * @throws NetlinkException when the kernel refuses the socket
     */
    public static LinkMonitor open(Consumer<LinkEvent> listener, Runnable onEventsLost) {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(onEventsLost, "onEventsLost");
        NetlinkSocket socket = NetlinkSocket.open(NETLINK_ROUTE(), RTMGRP_LINK(), NotificationReceiver.RECEIVE_TIMEOUT);
        try {
            LinkMonitor monitor = new LinkMonitor(socket, listener, onEventsLost);
            monitor.receiver.start();
            return monitor;
        } catch (RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Stops delivery and closes the socket; idempotent. No callback starts
     * after this is called. Returns when the delivery thread has ended:
     * within 200 ms when no callback is running, else when the running
     * callback returns (interrupted, in case it waits) or, at the latest,
     * after a further 2 s, leaving it to end on its own. Called from a
     * callback, it returns at once and delivery ends when the callback
     * returns.
     */
    @Override
    public void close() {
        receiver.close();
    }
}
