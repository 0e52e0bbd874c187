package io.github.xdpipcounter.cli;

import java.util.concurrent.CountDownLatch;

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
 */
final class SignalShutdown {
    static final long DEADLINE_MILLIS = 1_800;

    private SignalShutdown() {
    }

    static void install(Service service) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(DEADLINE_MILLIS);
                    System.err.println(Main.NAME + ": warning: closing took over " + DEADLINE_MILLIS + " ms: exiting anyway");
                    System.err.flush();
                    Runtime.getRuntime().halt(0);
                } catch (InterruptedException done) {
                    // closed in time
                }
            });
            try {
                service.close();
                Logging.noteDirectly("detached and stopped");
            } catch (Throwable e) {
                // Whatever it is, the process still ends with the links closed: say what it was.
                Logging.error(System.err, "while stopping: " + e);
            } finally {
                watchdog.interrupt();
                System.err.flush();
                Runtime.getRuntime().halt(0);
            }
        }, "xdp-ip-counter-shutdown"));
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
