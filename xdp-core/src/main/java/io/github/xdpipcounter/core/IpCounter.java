package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;


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
    private final InterfaceAttachments attachments;
    private final ScheduledExecutorService scheduler;
    private final AtomicReference<Window> latest = new AtomicReference<>();
    private final List<WindowListener> listeners = new CopyOnWriteArrayList<>();
    /** This host's addresses as last read, for a destination filter of local addresses; guarded by program. */
    private Set<InetAddress> localAddresses;
    private volatile WindowSchedule schedule;
    private volatile long startedNanos;
    private boolean closed;

    private IpCounter(CounterConfig config, CounterProgram program, InterfaceAttachments attachments,
                      Set<InetAddress> localAddresses) {
        this.localAddresses = localAddresses;
        this.config = config;
        this.program = program;
        this.attachments = attachments;
        this.scheduler = Executors.newScheduledThreadPool(2, daemonThreads());
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
        CounterProgram program = CounterProgram.load(config.maxSources());
        InterfaceAttachments attachments = null;
        try {
            program.selectPorts(config.ports());
            // Read in the namespace the counter runs in, whatever the filter, so that a later
            // filter(...) of local addresses has them. TODO(lead): the rtnetlink AddressMonitor
            // replaces this read, and calls localAddressesChanged on every change.
            Set<InetAddress> local = HostAddresses.current();
            program.filter(config.filter(), local);
            attachments = InterfaceAttachments.attach(program.program(), config.interfaces(), config.mode());
            IpCounter counter = new IpCounter(config, program, attachments, local);
            counter.schedule();
            return counter;
        } catch (RuntimeException | Error e) {
            if (attachments != null) {
                attachments.close();
            }
            program.close();
            throw e;
        }
    }

    private void schedule() {
        long tickNanos = config.tick().toNanos();
        program.tick();
        startedNanos = System.nanoTime();
        schedule = new WindowSchedule(startedNanos, config.window().toNanos());
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
     *
     * @param ports the ports to count
     */
    public void selectPorts(PortSelection ports) {
        program.selectPorts(ports);
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
     * @param filter the new filter
     * @throws IllegalArgumentException for a filter larger than the program
     *                                  holds ({@link TrafficFilter#MAX_BLOCKS_PER_NETWORK}); the old one stays
     */
    public void filter(TrafficFilter filter) {
        synchronized (program) {
            program.filter(filter, localAddresses);
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
        return System.nanoTime() - began < 2 * config.window().toNanos() + 1_000_000_000L;
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
