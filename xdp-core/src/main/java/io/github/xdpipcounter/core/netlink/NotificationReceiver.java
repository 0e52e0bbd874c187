package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

import io.github.xdpipcounter.core.bpf.Errno;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.EAGAIN;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.EINTR;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.ENOBUFS;

/**
 * The daemon thread of a monitor: it receives the datagrams of a subscribed
 * netlink socket, hands them to the monitor's {@link Handler}, says when
 * notifications were lost, runs the monitor's callbacks safely, and closes
 * the socket when the monitor is closed. The monitors ({@link LinkMonitor},
 * {@link AddressMonitor}) say what the datagrams mean.
 */
final class NotificationReceiver implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(NotificationReceiver.class.getName());
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
     * Rtnetlink notifications are built in one page-sized buffer or so, dump
     * parts in at most 32 KiB; larger notifications (links with many SR-IOV
     * functions) grow the buffer after the first truncation, up to the limit.
     */
    private static final long INITIAL_BUFFER_BYTES = 32 * 1024;
    private static final long MAX_BUFFER_BYTES = 1024 * 1024;

    /** What a monitor does with what its socket receives; called on the receiving thread only. */
    interface Handler {
        /**
         * Reads one datagram, or the part of it that fit the buffer.
         *
         * @return why some of it could not be read (whatever it said is
         *         lost), or null when all of it was read
         */
        String received(MemorySegment datagram);

        /** Notifications were lost, for the reason given: any state may have changed unannounced. */
        void lost(String why);

        /**
         * Called before every receive: first, after every datagram, and
         * after every {@link #RECEIVE_TIMEOUT} without one. The place to
         * act on what the datagrams said so far.
         */
        default void beforeReceive() {
        }
    }

    private final NetlinkSocket socket;
    private final Handler handler;
    private final Thread thread;
    /** The receive buffer: used by the opener before start, then by the thread, which frees it. */
    private final Arena arena = Arena.ofShared();
    private MemorySegment buffer;
    private volatile boolean closed;

    /**
     * A receiver, not started yet, that owns {@code socket} from now on
     * (closing the receiver closes it).
     */
    NotificationReceiver(String threadName, NetlinkSocket socket, Handler handler) {
        this.socket = socket;
        this.handler = handler;
        this.buffer = arena.allocate(INITIAL_BUFFER_BYTES, Long.BYTES);
        this.thread = Thread.ofPlatform().daemon().name(threadName).unstarted(this::run);
    }

    /** Starts the delivery thread; from now on only it receives. */
    void start() {
        thread.start();
    }

    /**
     * Receives and handles one datagram (or a timeout, or an error) on the
     * calling thread: for the opener, before {@link #start}.
     */
    void receiveOnce() {
        handler.beforeReceive();
        long received = socket.receive(buffer);
        if (received < 0) {
            handleFailedReceive((int) -received);
            return;
        }
        String problem = handler.received(buffer.asSlice(0, Math.min(received, buffer.byteSize())));
        if (received > buffer.byteSize()) {
            lost("a " + received + "-byte notification did not fit the " + buffer.byteSize() + "-byte buffer");
            buffer = arena.allocate(Math.min(MAX_BUFFER_BYTES, Long.highestOneBit(received) * 2), Long.BYTES);
        } else if (problem != null) {
            lost("a notification could not be read: " + problem);
        }
    }

    /** The delivery thread's loop; it alone uses and closes the socket. */
    private void run() {
        try {
            while (!closed) {
                receiveOnce();
            }
        } catch (RuntimeException | Error e) {
            // Not expected (the socket and buffer are ours): say so, and that nothing more will come.
            LOGGER.log(System.Logger.Level.ERROR, thread.getName() + " stopped: no more notifications will be delivered", e);
        } finally {
            release();
        }
    }

    private void handleFailedReceive(int errno) {
        if (errno == EAGAIN() || errno == EINTR()) {
            return; // The receive timeout passed (time to look at the closed flag), or a signal came.
        }
        if (errno == ENOBUFS()) {
            lost("the kernel dropped notifications: the queue was full");
            return;
        }
        // Unexpected: we cannot know what we missed. Back off rather than spin on a persistent error.
        lost("receiving notifications failed: " + Errno.describe(errno));
        sleepQuietly(RECEIVE_TIMEOUT);
    }

    private void lost(String why) {
        if (!closed) {
            handler.lost(why);
        }
    }

    /**
     * Runs a callback of the monitor's user unless the monitor is closing;
     * a callback's failure is logged, not fatal.
     */
    void call(Runnable callback, String what) {
        if (closed) {
            return;
        }
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            LOGGER.log(System.Logger.Level.WARNING, what + " failed; delivering the next events anyway", e);
        }
    }

    /** Sleeps, unless close() interrupts: for a monitor that backs off from a failure. */
    static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            // Interrupted by close(): the loop looks at the closed flag next.
        }
    }

    private void release() {
        try {
            socket.close();
        } finally {
            arena.close();
        }
    }

    /**
     * Stops delivery and closes the socket; idempotent. No callback starts
     * after this is called. Returns when the delivery thread has ended:
     * within {@link #RECEIVE_TIMEOUT} when no callback is running, else
     * when the running callback returns (interrupted, in case it waits) or,
     * at the latest, after a further 2 s, leaving it to end on its own.
     * Called from a callback, it returns at once and delivery ends when the
     * callback returns. A receiver never started closes its socket at once.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (thread.getState() == Thread.State.NEW) {
            release();
            return;
        }
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            if (!thread.join(RECEIVE_TIMEOUT.plusMillis(100))) {
                thread.interrupt();
                if (!thread.join(CALLBACK_GRACE)) {
                    LOGGER.log(System.Logger.Level.WARNING, "a callback is still running after "
                            + CALLBACK_GRACE.toSeconds() + " s; its thread " + thread.getName()
                            + " will end when it returns");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
