package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.net.BindException;
import java.util.stream.Collectors;

import io.github.xdpipcounter.core.Attachment;
import io.github.xdpipcounter.core.CounterConfig;
import io.github.xdpipcounter.core.IpCounter;
import io.github.xdpipcounter.core.TrafficFilter;
import io.github.xdpipcounter.core.Window;
import io.github.xdpipcounter.core.bpf.LibbpfUnavailableException;
import io.github.xdpipcounter.core.bpf.SystemLibbpf;
import io.github.xdpipcounter.exporter.Exporter;

/**
 * The running tool: an {@link IpCounter} and the {@link Exporter} serving
 * it. Started in the order that leaves nothing behind on failure: libbpf
 * checked, HTTP port bound (answering 503 meanwhile), then the program
 * loaded and attached; only then does {@link #publish} make /metrics
 * answer for the counter.
 */
final class Service implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Service.class.getName());

    private final Exporter exporter;
    private final IpCounter counter;

    private Service(Exporter exporter, IpCounter counter) {
        this.exporter = exporter;
        this.counter = counter;
    }

    /**
     * @throws StartFailure with a one-line reason when something outside the
     *                      command line prevents starting; nothing is left attached or bound
     */
    static Service start(Settings settings) throws StartFailure {
        try {
            SystemLibbpf.requireAvailable();
        } catch (LibbpfUnavailableException e) {
            throw new StartFailure(e.getMessage(), e);
        }
        Exporter exporter;
        try {
            exporter = Exporter.bind(settings.exporter());
        } catch (BindException e) {
            throw new StartFailure("cannot listen on " + where(settings) + ": " + bindReason(e), e);
        } catch (IOException e) {
            throw new StartFailure("cannot listen on " + where(settings) + ": " + e.getMessage(), e);
        }
        IpCounter counter = null;
        try {
            counter = IpCounter.start(settings.counter());
            Service service = new Service(exporter, counter);
            counter.addListener(service::logWindow);
            return service;
        } catch (RuntimeException e) {
            if (counter != null) {
                counter.close();
            }
            exporter.close();
            throw new StartFailure(firstLine(e.getMessage()), e);
        }
    }

    /** Serves the counter: /metrics, /list and /-/ready answer 200 from now on. */
    void publish() {
        exporter.serve(counter);
    }

    /** The one line that says what runs where. */
    String startupLine() {
        CounterConfig config = counter.config();
        String attached = counter.attachments().stream().map(Attachment::interfaceName).collect(Collectors.joining(", "));
        String ports = config.ports().isAll() ? "all ports" : "ports " + config.ports();
        TrafficFilter filter = counter.filter();
        String filtered = filter.isDefault() ? "" : " (" + filter + ")";
        return "counting sources to " + ports + filtered + " on " + attached + " (XDP " + config.mode().label() + " mode), "
                + "windows of " + Durations.text(config.windows().length()) + "; serving " + exporter.metricsUri()
                + (exporter.config().serveIpList() ? " and " + exporter.listUri() : "");
    }

    private void logWindow(Window window) {
        LOG.log(System.Logger.Level.DEBUG, () -> WindowSummary.of(window));
        if (window.capacityExceeded()) {
            LOG.log(System.Logger.Level.WARNING, "the last window was full: about " + window.sourcesWithoutRoom()
                    + " sources got no record and are estimated: raise --max-sources (now "
                    + counter.config().windows().maxSources() + ") to list them");
        }
    }

    /** Detaches first (the part that matters to the host), then stops serving and unloads. */
    @Override
    public void close() {
        counter.detach();
        exporter.close();
        counter.close();
    }

    private static String where(Settings settings) {
        return settings.exporter().bind().getHostAddress() + " port " + settings.exporter().port();
    }

    private static String bindReason(BindException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("in use")) {
            return "the port is already in use (choose another with --server-port)";
        }
        if (message.contains("assign")) {
            return "the address is not one of this host's (check --bind)";
        }
        return message;
    }

    private static String firstLine(String message) {
        return message == null ? "unknown error" : message.lines().findFirst().orElse(message);
    }

    /** Starting failed for a reason outside the command line (exit code 1). */
    static final class StartFailure extends Exception {
        StartFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
