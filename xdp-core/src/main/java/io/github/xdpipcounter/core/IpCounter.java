package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.github.xdpipcounter.core.netlink.AddressMonitor;
import io.github.xdpipcounter.core.netlink.ListeningPorts;
import io.github.xdpipcounter.core.netlink.ListeningSockets;


/**
 * Counts unique sources per destination port on some interfaces, one
 * window after another: the main entry point for embedding.
 *
 * <pre>{@code
 * try (IpCounter counter = IpCounter.start(new CounterConfig(List.of("eth0"))
 *         .withPorts(PortSelection.of(22, 443)).withWindow(Duration.ofSeconds(10)))) {
 *     counter.addListener(window -> window.portActivity().forEach(System.out::println));
 *     ...
 * }
 * }</pre>
 *
 * Needs root, or CAP_BPF + CAP_NET_ADMIN + CAP_PERFMON. Close it to detach;
 * if the JVM dies instead, the kernel detaches the program itself.
 */
public final class IpCounter implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(IpCounter.class.getName());

    private final CounterConfig config;
    private final CounterProgram program;
    /** Set once attached, before the first window. */
    private volatile InterfaceAttachments attachments;
    private final ScheduledThreadPoolExecutor scheduler;
    /** Opens netlink sockets in the counter's namespace: see {@link #inNamespace}. */
    private final ThreadPoolExecutor opener;
    private final AtomicReference<Window> latest = new AtomicReference<>();
    private final List<WindowListener> listeners = new CopyOnWriteArrayList<>();
    /** This host's addresses as last reported, for a destination filter of local addresses; guarded by program. */
    private Set<InetAddress> localAddresses = Set.of();
    /** Open while the destination filter counts local addresses; guarded by program. */
    private AddressMonitor addressMonitor;
    /** Open while the port selection includes the listening ports; guarded by program. */
    private ListeningSockets listeningSockets;
    private volatile WindowSchedule schedule;
    private volatile long startedNanos;
    private boolean closed;

    private IpCounter(CounterConfig config, CounterProgram program) {
        this.config = config;
        this.program = program;
        this.scheduler = new ScheduledThreadPoolExecutor(2, daemonThreads());
        this.opener = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemonThreads());
        // Now, on the thread that starts the counter: in the counter's namespace (see inNamespace).
        opener.prestartAllCoreThreads();
    }

    /**
     * Loads the program, attaches it to every configured interface and starts
     * the first window. Nothing stays attached if any step fails.
     *
     * @throws IllegalArgumentException for an interface that does not exist
     * @param config how it runs
     * @return the running counter
     * @throws io.github.xdpipcounter.core.bpf.BpfException when the kernel refuses
     */
    public static IpCounter start(CounterConfig config) {
        CounterProgram program = CounterProgram.load(config.windows().maxSources());
        IpCounter counter = new IpCounter(config, program);
        try {
            synchronized (program) {
                counter.followListeningPorts(config.ports());
                program.selectPorts(config.ports());
                counter.followLocalAddresses(config.filter());
                program.filter(config.filter(), counter.localAddresses);
            }
            counter.attachments = InterfaceAttachments.attach(program.program(), config.interfaces(), config.mode());
            counter.schedule();
            return counter;
        } catch (RuntimeException | Error e) {
            counter.scheduler.shutdownNow();
            counter.stopFollowing();
            if (counter.attachments != null) {
                counter.attachments.close();
            }
            program.close();
            throw e;
        }
    }

    /**
     * Reads the listening sockets of the calling thread's network namespace
     * once, as {@link #start} does for a port selection that
     * {@link PortSelection#isListening() includes the listening ports}: lets
     * a caller tell a selection this host cannot serve from a failure to
     * start, before anything is loaded.
     *
     * @throws RuntimeException naming the operation and the errno when they
     *                          cannot be read (a kernel without sock_diag)
     */
    public static void checkListeningPortsReadable() {
        try (ListeningSockets sockets = ListeningSockets.open()) {
            sockets.read();
        }
    }

    /**
     * Opens the listening-sockets reader when {@code ports} needs it and none
     * is open (and reads it once), closes it when they no longer do. Called
     * with the program's lock held.
     */
    private void followListeningPorts(PortSelection ports) {
        if (ports.isListening() && listeningSockets == null) {
            ListeningSockets sockets = inNamespace(ListeningSockets::open);
            try {
                program.listeningPorts(byTransport(sockets.read()));
            } catch (RuntimeException | Error e) {
                sockets.close();
                throw e;
            }
            listeningSockets = sockets;
        } else if (!ports.isListening() && listeningSockets != null) {
            listeningSockets.close();
            listeningSockets = null;
        }
    }

    /**
     * Opens the address monitor when {@code filter} counts this host's
     * addresses and none is open, and reads the addresses. Called with the
     * program's lock held; a monitor no longer needed is closed by
     * {@link #closeUnusedAddressMonitor}, without the lock.
     */
    private void followLocalAddresses(TrafficFilter filter) {
        if (filter.destinations().local() && addressMonitor == null) {
            addressMonitor = inNamespace(
                    () -> AddressMonitor.open(addresses -> localAddressesChanged(HostAddresses.ofInterfaces(addresses))));
            localAddresses = HostAddresses.of(HostAddresses.ofInterfaces(addressMonitor.addresses()));
        }
    }

    /**
     * Closes the address monitor when the filter in force does not count this
     * host's addresses. Without the program's lock: its listener may be
     * waiting for it, and closing waits for the listener.
     */
    private void closeUnusedAddressMonitor() {
        AddressMonitor unused = null;
        synchronized (program) {
            if (addressMonitor != null && !program.trafficFilter().destinations().local()) {
                unused = addressMonitor;
                addressMonitor = null;
                localAddresses = Set.of();
            }
        }
        if (unused != null) {
            unused.close();
        }
    }

    /** Closes the address monitor and the listening-sockets reader, when open. */
    private void stopFollowing() {
        AddressMonitor monitor;
        synchronized (program) {
            monitor = addressMonitor;
            addressMonitor = null;
            if (listeningSockets != null) {
                listeningSockets.close();
                listeningSockets = null;
            }
        }
        if (monitor != null) {
            monitor.close();
        }
        opener.shutdownNow();
    }

    /**
     * Opens a netlink socket on the counter's own thread for it, which was
     * started by {@link #start}: the kernel gives a socket the namespace of
     * the thread that creates it, and the caller of a run-time change may be
     * in another. That thread never takes the program's lock, so a caller
     * holding it may wait.
     */
    private <T> T inNamespace(Supplier<T> open) {
        try {
            return opener.submit(open::get).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening a netlink socket", e);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the counter is closed", e);
        }
    }

    /** The listening ports per transport, as the program's port bitmaps take them. */
    private static Map<Transport, BitSet> byTransport(ListeningPorts ports) {
        return Map.of(Transport.TCP, ports.tcp(), Transport.UDP, ports.udp(), Transport.UDP_LITE, ports.udpLite());
    }

    /** Reads the listening ports again, when they are counted; a failure is said and the last ports stay. */
    private void refreshListeningPorts() {
        synchronized (program) {
            if (listeningSockets == null) {
                return;
            }
            try {
                listeningPortsChanged(byTransport(listeningSockets.read()));
            } catch (RuntimeException e) {
                LOGGER.log(System.Logger.Level.WARNING, "could not read the listening ports; the last ones stay: "
                        + e.getMessage());
            }
        }
    }

    private void schedule() {
        long tickNanos = config.windows().tick().toNanos();
        program.tick();
        startedNanos = System.nanoTime();
        schedule = new WindowSchedule(startedNanos, config.windows().length().toNanos());
        // Fixed delay, not rate: after a stall, one tick brings the clock up to date; a burst would not.
        scheduler.scheduleWithFixedDelay(this::tick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
        armWindow(schedule.closeOf(System.nanoTime()));
    }

    private void tick() {
        try {
            program.tick();
        } catch (IllegalStateException closing) {
            // The counter is closing; the scheduler stops with it.
        }
    }

    /** Closes the window in progress at {@code closeNanos} on the monotonic clock; each close arms the next. */
    private void armWindow(long closeNanos) {
        try {
            scheduler.schedule(this::scheduledWindow, closeNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // close() shut the scheduler down: no more windows.
        }
    }

    private void scheduledWindow() {
        long nextClose;
        try {
            nextClose = schedule.closeOf(completeWindow().endMonotonicNanos());
        } catch (RuntimeException e) {
            synchronized (this) {
                if (closed) {
                    return; // closing: no more windows
                }
            }
            // Any other failure is said and the schedule goes on: windows must never stop silently.
            LOGGER.log(System.Logger.Level.ERROR, "could not complete a window", e);
            nextClose = schedule.closeOf(System.nanoTime());
        }
        armWindow(nextClose);
    }

    /**
     * Ends the current window now, publishes it to {@link #latest()} and the
     * listeners, and starts the next. The regular schedule goes on.
     *
     * @return the window just completed
     * @throws IllegalStateException when the counter is closed
     */
    public Window completeWindow() {
        Window window;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the counter is closed");
            }
            window = program.completeWindow();
            latest.set(window);
        }
        // At every window boundary: a service started during the window is counted from the next.
        refreshListeningPorts();
        for (WindowListener listener : listeners) {
            try {
                listener.windowCompleted(window);
            } catch (RuntimeException e) {
                LOGGER.log(System.Logger.Level.WARNING, "window listener " + listener + " failed", e);
            }
        }
        return window;
    }

    /**
     * The last completed window, if one has completed.
     *
     * @return the window, or empty before the first
     */
    public Optional<Window> latest() {
        return Optional.ofNullable(latest.get());
    }

    /**
     * Calls {@code listener} with every window completed from now on.
     *
     * @param listener the listener
     */
    public void addListener(WindowListener listener) {
        listeners.add(listener);
    }

    /**
     * Stops calling {@code listener}.
     *
     * @param listener the listener
     */
    public void removeListener(WindowListener listener) {
        listeners.remove(listener);
    }

    /**
     * Changes the counted ports from the next packet on, without reloading.
     * When the new selection includes the listening ports and the old one
     * did not, the listening sockets are read first, in the counter's
     * namespace.
     *
     * @param ports the ports to count
     * @throws RuntimeException naming the operation and the errno when the
     *                          listening sockets cannot be read; the old selection stays
     */
    public void selectPorts(PortSelection ports) {
        synchronized (program) {
            followListeningPorts(ports);
            program.selectPorts(ports);
        }
    }

    /**
     * Changes what is counted from the next packet on, without reloading:
     * transports, TCP segments, destinations and sources. Each packet sees
     * the old filter or the new one, never a mix that counts what neither
     * counts. When the source filter changes, the window in progress forgets
     * every source the new one does not count, its packets from before the
     * change included: the program checks sources only when it creates a
     * record, so the change deletes the records of sources it now refuses.
     *
     * <p>A destination filter of local addresses follows this host's
     * addresses from rtnetlink notifications, in the counter's namespace,
     * while it is in force.
     *
     * @param filter the new filter
     * @throws IllegalArgumentException for a filter larger than the program
     *                                  holds ({@link TrafficFilter#MAX_BLOCKS_PER_NETWORK}); the old one stays
     * @throws RuntimeException naming the operation and the errno when this
     *                          host's addresses cannot be read; the old filter stays
     */
    public void filter(TrafficFilter filter) {
        try {
            synchronized (program) {
                followLocalAddresses(filter);
                program.filter(filter, localAddresses);
            }
        } finally {
            // After the new filter, or after a failure that left the old one.
            closeUnusedAddressMonitor();
        }
    }

    /**
     * The filter in force: the configured one, or the last given to {@link #filter(TrafficFilter)}.
     *
     * @return the filter in force
     */
    public TrafficFilter filter() {
        return program.trafficFilter();
    }

    /**
     * This host's addresses are now {@code addresses} (interface addresses
     * and the directed broadcast of each IPv4 one; 255.255.255.255 is added
     * here): a destination filter of local addresses follows at once.
     */
    void localAddressesChanged(Set<InetAddress> addresses) {
        synchronized (program) {
            localAddresses = HostAddresses.of(addresses);
            program.localAddressesChanged(localAddresses);
        }
    }

    /**
     * The ports this host listens on are now {@code ports}, per transport:
     * counted from the next packet on when the port selection includes the
     * listening ports.
     */
    void listeningPortsChanged(Map<Transport, BitSet> ports) {
        program.listeningPorts(ports);
    }

    /**
     * The configuration it was started with (its ports and filter, even after
     * {@link #selectPorts} and {@link #filter(TrafficFilter)}).
     *
     * @return the configuration
     */
    public CounterConfig config() {
        return config;
    }

    /**
     * Every configured interface, in configuration order, and whether the
     * program is attached to it now. An interface that is deleted is detached
     * by the kernel and reported here at once; when an interface of the same
     * name appears, the program is attached to it again.
     *
     * @return the interfaces and their state
     */
    public List<Attachment> attachments() {
        return attachments.state();
    }

    /**
     * Detaches from every interface now: nothing more is counted, and
     * interfaces that come back are not attached again. The counter still
     * needs {@link #close()}. Idempotent.
     */
    public void detach() {
        attachments.close();
    }

    /**
     * True while windows close on schedule: the window in progress began less
     * than two window lengths (and a second) ago. False when the counter is
     * closed, or when windows stopped completing (a flip that hangs, a
     * process stalled for long).
     *
     * @return whether windows complete on time
     */
    public boolean windowsOnTime() {
        WindowSchedule current = schedule;
        Window last = latest.get();
        long began = last != null ? last.endMonotonicNanos() : startedNanos;
        synchronized (this) {
            if (closed || current == null) {
                return false;
            }
        }
        return System.nanoTime() - began < 2 * config.windows().length().toNanos() + 1_000_000_000L;
    }

    /**
     * Detaches from every interface, completes the last (short) window so
     * that no counted packet is lost, and unloads the program. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            detach();
            completeWindow();
        } finally {
            synchronized (this) {
                closed = true;
            }
            stopFollowing();
            program.close();
        }
    }

    private static ThreadFactory daemonThreads() {
        return runnable -> {
            Thread thread = new Thread(runnable, "xdp-ip-counter");
            thread.setDaemon(true);
            return thread;
        };
    }
}
