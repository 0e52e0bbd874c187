package io.github.xdpipcounter.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ends the tool on SIGINT or SIGTERM (and SIGHUP): detaches, stops serving
 * and exits with status 0 within two seconds.
 *
 * <p>A shutdown hook rather than sun.misc.Signal: hooks are the supported
 * way, and they run for every signal the JVM turns into an orderly exit.
 * The JVM would exit with 128 + the signal; the hook ends with halt(0)
 * instead, since stopping on request is success. If closing takes too long
 * (say, a huge final window), a watchdog halts anyway: the links close with
 * the process, so the kernel detaches the program in any case.
 *
 * <p>It is installed before anything starts, so that a signal during
 * start-up also exits 0: whatever was attached by then is a BPF link that
 * dies with the process.
 */
final class SignalShutdown {
    static final long DEADLINE_MILLIS = 1_800;

    private final AtomicReference<Service> service = new AtomicReference<>();
    private volatile int status;

    private SignalShutdown() {
    }

    static SignalShutdown install() {
        SignalShutdown shutdown = new SignalShutdown();
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown::run, "xdp-ip-counter-shutdown"));
        return shutdown;
    }

    /** The service to close when the process is asked to end. */
    void closeOnExit(Service started) {
        service.set(started);
    }

    /** The status the process exits with when it ends on its own (a failed start), rather than on a signal. */
    void exitStatus(int code) {
        status = code;
    }

    private void run() {
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(DEADLINE_MILLIS);
                System.err.println(Logging.prefix(java.time.Instant.now()) + "warning: closing took over " + DEADLINE_MILLIS + " ms: exiting anyway");
                System.err.flush();
                Runtime.getRuntime().halt(status);
            } catch (InterruptedException done) {
                // closed in time
            }
        });
        try {
            Service running = service.get();
            if (running != null) {
                running.close();
                Logging.noteDirectly("detached and stopped");
            }
        } catch (Throwable e) {
            // Whatever it is, the process still ends with the links closed: say what it was.
            Logging.error(System.err, "while stopping: " + e);
        } finally {
            watchdog.interrupt();
            System.err.flush();
            Runtime.getRuntime().halt(status);
        }
    }

    /** Blocks the main thread until the process ends. */
    static void awaitForever() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
