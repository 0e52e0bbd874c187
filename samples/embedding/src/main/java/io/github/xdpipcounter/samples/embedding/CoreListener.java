package io.github.xdpipcounter.samples.embedding;

import java.util.List;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import io.github.xdpipcounter.core.CounterConfig;
import io.github.xdpipcounter.core.IpCounter;
import io.github.xdpipcounter.core.PortActivity;
import io.github.xdpipcounter.core.PortSelection;

/** xdp-core alone: a listener gets every completed window. */
final class CoreListener {
    private CoreListener() {
    }

    static void run(String iface, Duration window, CountDownLatch stop) throws InterruptedException {
        // tag::core-listener[]
        CounterConfig config = new CounterConfig(List.of(iface))
                .withPorts(PortSelection.parse("22,443,8000-8100"))
                .withWindow(window);
        try (IpCounter counter = IpCounter.start(config)) {
            counter.addListener(completed -> {
                for (PortActivity port : completed.portActivity()) {
                    System.out.printf("%s %s %d: %d sources%n", port.network().label(),
                            port.transport().label(), port.port(), port.uniqueSources());
                }
                if (completed.capacityExceeded()) {
                    System.out.println("raise maxSources: about " + completed.sourcesWithoutRoom() + " sources got no record");
                }
            });
            stop.await();
        }
        // end::core-listener[]
    }
}
