package io.github.xdpipcounter.exporter;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;

import io.github.xdpipcounter.core.AddressText;
import io.github.xdpipcounter.core.Attachment;
import io.github.xdpipcounter.core.IpCounter;
import io.github.xdpipcounter.core.Window;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The HTTP side of xdp-ip-counter: /metrics (Prometheus text or
 * OpenMetrics, by content negotiation), /list when asked for, and the
 * Prometheus health endpoints /-/healthy and /-/ready.
 *
 * <p>It binds first and is given a counter afterwards, so that a port
 * already in use is found before anything is attached; until then /metrics,
 * /list and /-/ready answer 503, never a 200 for a counter that counts
 * nothing:
 * <pre>{@code
 * try (Exporter exporter = Exporter.bind(new ExporterConfig(address, 3031, true));
 *      IpCounter counter = IpCounter.start(config)) {
 *     exporter.serve(counter);
 *     ...
 * }
 * }</pre>
 *
 * <h2>Slow and hostile clients</h2>
 * The JDK server blocks a thread per connection while it reads a request
 * and writes a response, so a small fixed pool (the Prometheus client's
 * default is 10 threads) is taken by ten clients that send half a request.
 * Here each request runs on a virtual thread of its own: a slow client
 * costs memory only, and a scrape of /metrics never queues behind slow
 * /list downloads. (Platform threads were tried: 500 connections arriving
 * at once kept the JDK server's dispatcher busy starting threads for
 * 1.5 s.) The JDK server's dispatcher shares a monitor with the handlers
 * (its event list), and a virtual thread handed that monitor waits for a
 * carrier behind the other runnable virtual threads: with one carrier per
 * core, a burst of 300 requests on 2 cores stalled the dispatcher for
 * seconds. {@link JdkHttpServerSettings} therefore also sets the virtual
 * thread scheduler's parallelism well above the core count. Requests in
 * progress are bounded per client address and in all
 * ({@link ExporterConfig#inFlight}); beyond that a client gets 503 at once.
 * The listen backlog is {@value #BACKLOG}. Time limits on reading a request
 * and writing a response, and the bound on open connections, are JVM-wide
 * settings of the JDK server: see {@link JdkHttpServerSettings}.
 */
public final class Exporter implements AutoCloseable {
    /** Connections the kernel queues before the server accepts them (it caps this at net.core.somaxconn). */
    static final int BACKLOG = 1024;

    private final ExporterConfig config;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final AtomicReference<ServedCounter> served = new AtomicReference<>();
    private final ExecutorService executor;
    private final HttpServer server;

    private Exporter(ExporterConfig config) throws IOException {
        this.config = config;
        this.server = createServer(config);
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("xdp-ip-counter-http-", 0).factory());
        try {
            server.setExecutor(executor);
            Routes routes = new Routes(new MetricsHandler(registry),
                    config.serveIpList() ? new SourceListHandler(this::latestWindow) : null, config.unservedList(),
                    served::get);
            HttpContext context = server.createContext("/", routes);
            context.getFilters().add(new InFlightLimit(config.inFlight()));
            config.security().authenticator().ifPresent(context::setAuthenticator);
            server.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Binds now (a port in use fails here), HTTPS when the web configuration asks for TLS. */
    private static HttpServer createServer(ExporterConfig config) throws IOException {
        WebSecurity security = config.security();
        if (!security.tls()) {
            return HttpServer.create(config.socketAddress(), BACKLOG);
        }
        HttpsServer https = HttpsServer.create(config.socketAddress(), BACKLOG);
        https.setHttpsConfigurator(security.httpsConfigurator());
        return https;
    }

    /**
     * Starts listening on the configured address; /metrics, /list and
     * /-/ready answer 503 until {@link #serve} is called.
     *
     * @throws java.net.BindException when the port is in use or the address is not local
     *
     * @param config where and what to serve
     * @return the exporter, listening
     * @throws IOException when it cannot listen
     */
    public static Exporter bind(ExporterConfig config) throws IOException {
        return new Exporter(config);
    }

    /**
     * Publishes this counter's windows from now on. Once only.
     *
     * @param ipCounter the counter
     * @throws IllegalStateException when already serving one
     */
    public void serve(IpCounter ipCounter) {
        WindowMetrics metrics = publish(CounterInfo.of(ipCounter), ipCounter::latest, ipCounter::attachments,
                ipCounter::windowsOnTime);
        ipCounter.addListener(metrics);
        ipCounter.latest().ifPresent(metrics::windowCompleted);
    }

    /** Serves metrics of {@code info}, and {@code latest} at /list, attached everywhere; the caller feeds the metrics windows. */
    WindowMetrics publish(CounterInfo info, Supplier<Optional<Window>> latest) {
        return publish(info, latest, () -> info.interfaces().stream().map(name -> new Attachment(name, 0, true)).toList(),
                () -> true);
    }

    WindowMetrics publish(CounterInfo info, Supplier<Optional<Window>> latest, Supplier<List<Attachment>> attachments,
                          BooleanSupplier onTime) {
        WindowMetrics metrics = new WindowMetrics(info, "", config.series(), attachments);
        ServedCounter counter = new ServedCounter(latest,
                () -> attachments.get().stream().anyMatch(Attachment::attached), onTime);
        if (!served.compareAndSet(null, counter)) {
            throw new IllegalStateException("already serving a counter");
        }
        registry.register(metrics);
        return metrics;
    }

    private Optional<Window> latestWindow() {
        ServedCounter current = served.get();
        return current == null ? Optional.empty() : current.latest().get();
    }

    /**
     * The port listened on (the chosen one when configured as 0).
     *
     * @return the port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * The /metrics address.
     *
     * @return the address
     */
    public URI metricsUri() {
        return uri("/metrics");
    }

    /**
     * The /list address, served or not.
     *
     * @return the address
     */
    public URI listUri() {
        return uri("/list");
    }

    private URI uri(String path) {
        InetAddress bind = config.bind();
        String host = bind instanceof Inet6Address ? "[" + AddressText.of(bind) + "]" : bind.getHostAddress();
        return URI.create((config.security().tls() ? "https" : "http") + "://" + host + ":" + port() + path);
    }

    /**
     * The configuration it was bound with.
     *
     * @return the configuration
     */
    public ExporterConfig config() {
        return config;
    }

    /** Stops serving at once; requests in flight are cut. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * What the routes need of the counter being served.
     *
     * @param ready   whether it counts now (attached to an interface)
     * @param onTime  whether its windows still complete on schedule
     */
    record ServedCounter(Supplier<Optional<Window>> latest, BooleanSupplier ready, BooleanSupplier onTime) {
    }
}
