package io.github.xdpipcounter.exporter;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.github.xdpipcounter.core.AddressText;
import io.github.xdpipcounter.core.IpCounter;
import io.github.xdpipcounter.core.Window;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The HTTP side of xdp-ip-counter: /metrics (Prometheus text or
 * OpenMetrics, by content negotiation) and, when asked for, /list.
 *
 * <p>It binds first and is given a counter afterwards, so that a port
 * already in use is found before anything is attached:
 * <pre>{@code
 * try (Exporter exporter = Exporter.bind(new ExporterConfig(address, 3031, true));
 *      IpCounter counter = IpCounter.start(config)) {
 *     exporter.serve(counter);
 *     ...
 * }
 * }</pre>
 */
public final class Exporter implements AutoCloseable {
    static {
        // The JDK server writes a gzipped scrape (Prometheus always asks for gzip) in small
        // pieces; without TCP_NODELAY, Nagle's algorithm meets the client's delayed ACK and
        // every such scrape waits ~40 ms. Read once, when the JDK server's config loads;
        // a value set by the application wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final ExporterConfig config;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final AtomicReference<Supplier<Optional<Window>>> windows = new AtomicReference<>();
    private final HTTPServer server;

    private Exporter(ExporterConfig config) throws IOException {
        this.config = config;
        SourceListHandler list = config.serveIpList() ? new SourceListHandler(this::latestWindow) : null;
        this.server = HTTPServer.builder()
                .inetAddress(config.bind())
                .port(config.port())
                .registry(registry)
                .defaultHandler(new RootHandler(list))
                .buildAndStart();
    }

    /**
     * Starts serving on the configured address; /metrics is empty until
     * {@link #serve} is called.
     *
     * @throws java.net.BindException when the port is in use or the address is not local
     */
    public static Exporter bind(ExporterConfig config) throws IOException {
        return new Exporter(config);
    }

    /** Publishes this counter's windows from now on. Once only. */
    public void serve(IpCounter ipCounter) {
        WindowMetrics metrics = publish(CounterInfo.of(ipCounter), ipCounter::latest);
        ipCounter.addListener(metrics);
        ipCounter.latest().ifPresent(metrics::windowCompleted);
    }

    /** Serves metrics of {@code info}, and {@code latest} at /list; the caller feeds the metrics windows. */
    WindowMetrics publish(CounterInfo info, Supplier<Optional<Window>> latest) {
        if (!windows.compareAndSet(null, latest)) {
            throw new IllegalStateException("already serving a counter");
        }
        WindowMetrics metrics = new WindowMetrics(info);
        registry.register(metrics);
        return metrics;
    }

    private Optional<Window> latestWindow() {
        Supplier<Optional<Window>> current = windows.get();
        return current == null ? Optional.empty() : current.get();
    }

    /** The port listened on (the chosen one when configured as 0). */
    public int port() {
        return server.getPort();
    }

    public URI metricsUri() {
        return uri("/metrics");
    }

    /** The /list address, served or not. */
    public URI listUri() {
        return uri("/list");
    }

    private URI uri(String path) {
        InetAddress bind = config.bind();
        String host = bind instanceof Inet6Address ? "[" + AddressText.of(bind) + "]" : bind.getHostAddress();
        return URI.create("http://" + host + ":" + port() + path);
    }

    public ExporterConfig config() {
        return config;
    }

    /** Stops serving at once; requests in flight are cut. Idempotent. */
    @Override
    public void close() {
        server.close();
    }
}
