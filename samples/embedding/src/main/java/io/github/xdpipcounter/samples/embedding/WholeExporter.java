package io.github.xdpipcounter.samples.embedding;

import java.util.List;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import io.github.xdpipcounter.core.CounterConfig;
import io.github.xdpipcounter.core.IpCounter;
import io.github.xdpipcounter.exporter.Exporter;
import io.github.xdpipcounter.exporter.ExporterConfig;

/** Everything the command serves (/metrics, /list, /-/healthy, /-/ready) on a server of the exporter's own. */
final class WholeExporter {
    static final int PORT = 9403;

    private WholeExporter() {
    }

    static void run(String iface, Duration window, CountDownLatch stop) throws IOException, InterruptedException {
        // tag::whole-exporter[]
        // Bound first, so that a port in use is found before anything is attached.
        try (Exporter exporter = Exporter.bind(new ExporterConfig(InetAddress.getByName("127.0.0.1"), PORT, true));
             IpCounter counter = IpCounter.start(new CounterConfig(List.of(iface)).withWindow(window))) {
            exporter.serve(counter); // /metrics and /list now follow the counter's windows
            stop.await();
        }
        // end::whole-exporter[]
    }
}
