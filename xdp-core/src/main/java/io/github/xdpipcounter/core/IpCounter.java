package io.github.xdpipcounter.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.xdpipcounter.core.bpf.XdpLink;

/**
 * Counts unique sources per destination port on some interfaces, one
 * window after another: the main entry point for embedding.
 *
 * <pre>{@code
 * try (IpCounter counter = IpCounter.start(CounterConfig.builder("eth0")
 *         .ports(PortSelection.parse("22,443")).window(Duration.ofSeconds(10)).build())) {
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
    private final ScheduledExecutorService scheduler;
    private final AtomicReference<Window> latest = new AtomicReference<>();
    private final List<WindowListener> listeners = new CopyOnWriteArrayList<>();
    private Instant windowStart;
    private boolean closed;

    private IpCounter(CounterConfig config, CounterProgram program) {
        this.config = config;
        this.program = program;
        this.scheduler = Executors.newScheduledThreadPool(2, daemonThreads());
    }

    /**
     * Loads the program, attaches it to every configured interface and starts
     * the first window. Nothing stays attached if any step fails.
     *
     * @throws IllegalArgumentException for an interface that does not exist
     * @throws io.github.xdpipcounter.core.bpf.BpfException when the kernel refuses
     */
    public static IpCounter start(CounterConfig config) {
        CounterProgram program = CounterProgram.load(config.maxSources());
        try {
            program.selectPorts(config.ports());
            for (String name : config.interfaces()) {
                program.attach(name, config.mode());
            }
            IpCounter counter = new IpCounter(config, program);
            counter.schedule();
            return counter;
        } catch (RuntimeException | Error e) {
            program.close();
            throw e;
        }
    }

    private void schedule() {
        long tickNanos = config.tick().toNanos();
        long windowNanos = config.window().toNanos();
        synchronized (this) {
            program.tick();
            windowStart = Instant.now();
        }
        scheduler.scheduleAtFixedRate(this::tick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
        scheduler.scheduleAtFixedRate(this::scheduledWindow, windowNanos, windowNanos, TimeUnit.NANOSECONDS);
    }

    private void tick() {
        try {
            program.tick();
        } catch (IllegalStateException closing) {
            // The counter is closing; the scheduler stops with it.
        }
    }

    private void scheduledWindow() {
        try {
            completeWindow();
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.ERROR, "could not complete a window", e);
        }
    }

    /**
     * Ends the current window now, publishes it to {@link #latest()} and the
     * listeners, and starts the next. The regular schedule goes on.
     */
    public Window completeWindow() {
        Window window;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the counter is closed");
            }
            window = program.completeWindow(windowStart);
            windowStart = window.end();
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

    /** The last completed window, if one has completed. */
    public Optional<Window> latest() {
        return Optional.ofNullable(latest.get());
    }

    public void addListener(WindowListener listener) {
        listeners.add(listener);
    }

    public void removeListener(WindowListener listener) {
        listeners.remove(listener);
    }

    /** Changes the counted ports from the next packet on, without reloading. */
    public void selectPorts(PortSelection ports) {
        program.selectPorts(ports);
    }

    public CounterConfig config() {
        return config;
    }

    /** Where the program is attached. */
    public List<XdpLink> links() {
        return program.links();
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
            program.links().forEach(XdpLink::close);
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
