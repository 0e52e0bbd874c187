package io.github.xdpipcounter.core;

import java.time.Duration;
import java.util.List;

/**
 * A child process for {@link LifecycleTest}: attaches a counter to the
 * interface named in args[0], says "attached", and waits (at most 60 s)
 * to be killed.
 */
public final class AttachAndWait {
    private AttachAndWait() {
    }

    public static void main(String[] args) throws Exception {
        IpCounter counter = IpCounter.start(new CounterConfig(List.of(args[0])).withWindow(Duration.ofHours(1)));
        System.out.println("attached " + counter.attachments());
        System.out.flush();
        Thread.sleep(60_000);
        counter.close();
    }
}
