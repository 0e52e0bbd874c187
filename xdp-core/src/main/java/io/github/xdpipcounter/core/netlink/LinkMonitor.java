package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.xdpipcounter.core.bpf.Errno;

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
    /**
     * How long a receive blocks before the delivery thread looks whether the
     * monitor was closed. A close(2) from another thread does not wake a
     * thread blocked in recv(2) on Linux (the call holds its own reference to
     * the socket), shutdown(2) is not implemented for netlink sockets, and
     * closing the descriptor under a reader would let it read whatever file
     * reuses the number next. So the delivery thread closes the socket
     * itself, and this bounds how long close() waits for it; the price is
     * five wakeups a second, as cheap as a sleeping thread's.
     */
    static final Duration RECEIVE_TIMEOUT = Duration.ofMillis(200);
    /** How long close() waits for a callback in progress before giving up on it. */
    private static final Duration CALLBACK_GRACE = Duration.ofSeconds(2);
    /**
     * Rtnetlink notifications are built in one page-sized buffer or so;
     * larger ones (links with many SR-IOV functions) grow the buffer after
     * the first truncation, up to the limit.
     */
    private static final long INITIAL_BUFFER_BYTES = 32 * 1024;
    private static final long MAX_BUFFER_BYTES = 1024 * 1024;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final RouteNetlinkSocket socket;
    private final Consumer<LinkEvent> listener;
    private final Runnable onEventsLost;
    private final Thread thread;
    private volatile boolean closed;

    private LinkMonitor(RouteNetlinkSocket socket, Consumer<LinkEvent> listener, Runnable onEventsLost) {
        this.socket = socket;
        this.listener = listener;
        this.onEventsLost = onEventsLost;
        this.thread = Thread.ofPlatform().daemon().name("link-monitor-" + SEQUENCE.incrementAndGet()).unstarted(this::deliver);
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
        RouteNetlinkSocket socket = RouteNetlinkSocket.subscribe(RouteNetlinkSocket.RTMGRP_LINK, RECEIVE_TIMEOUT);
        try {
            LinkMonitor monitor = new LinkMonitor(socket, listener, onEventsLost);
            monitor.thread.start();
            return monitor;
        } catch (RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    /** The delivery thread's loop; it alone uses and closes the socket. */
    private void deliver() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(INITIAL_BUFFER_BYTES, Long.BYTES);
            while (!closed) {
                long received = socket.receive(buffer);
                if (received < 0) {
                    handleFailedReceive((int) -received);
                    continue;
                }
                LinkMessages.Parsed parsed = LinkMessages.parse(buffer.asSlice(0, Math.min(received, buffer.byteSize())));
                for (LinkEvent event : parsed.events()) {
                    call(() -> listener.accept(event), "link listener");
                }
                if (received > buffer.byteSize()) {
                    eventsLost("a " + received + "-byte notification did not fit the " + buffer.byteSize()
                            + "-byte buffer");
                    buffer = arena.allocate(Math.min(MAX_BUFFER_BYTES, Long.highestOneBit(received) * 2), Long.BYTES);
                } else if (!parsed.complete()) {
                    eventsLost("a notification could not be read: " + String.join("; ", parsed.problems()));
                } else if (!parsed.problems().isEmpty()) {
                    LOGGER.log(System.Logger.Level.WARNING, String.join("; ", parsed.problems()));
                }
            }
        } catch (RuntimeException | Error e) {
            // Not expected (the socket and buffer are ours): say so, and that nothing more will come.
            LOGGER.log(System.Logger.Level.ERROR, "link monitor stopped: no more link events will be delivered", e);
        } finally {
            socket.close();
        }
    }

    private void handleFailedReceive(int errno) {
        switch (errno) {
            case Errno.EAGAIN, Errno.EINTR -> {
                // The receive timeout passed (time to look at the closed flag), or a signal came.
            }
            case Errno.ENOBUFS -> eventsLost("the kernel dropped link notifications: the queue was full");
            default -> {
                // Unexpected: we cannot know what we missed. Back off rather than spin on a persistent error.
                eventsLost("receiving link notifications failed: " + Errno.describe(errno));
                sleepQuietly(RECEIVE_TIMEOUT);
            }
        }
    }

    private void eventsLost(String why) {
        LOGGER.log(System.Logger.Level.WARNING, why + "; every interface must be checked again");
        call(onEventsLost, "events-lost callback");
    }

    /** Runs a callback unless the monitor is closing; a callback's failure is logged, not fatal. */
    private void call(Runnable callback, String what) {
        if (closed) {
            return;
        }
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            LOGGER.log(System.Logger.Level.WARNING, what + " failed; delivering the next events anyway", e);
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            // Interrupted by close(): the loop looks at the closed flag next.
        }
    }

    /**
     * Stops delivery and closes the socket; idempotent. No callback starts
     * after this is called. Returns when the delivery thread has ended:
     * within {@link #RECEIVE_TIMEOUT} when no callback is running, else
     * when the running callback returns (interrupted, in case it waits) or,
     * at the latest, after a further 2 s, leaving it to end on its own.
     * Called from a callback, it returns at once and delivery ends when the
     * callback returns.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            if (!thread.join(RECEIVE_TIMEOUT.plusMillis(100))) {
                thread.interrupt();
                if (!thread.join(CALLBACK_GRACE)) {
                    LOGGER.log(System.Logger.Level.WARNING, "a link monitor callback is still running after "
                            + CALLBACK_GRACE.toSeconds() + " s; its thread " + thread.getName()
                            + " will end when it returns");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
