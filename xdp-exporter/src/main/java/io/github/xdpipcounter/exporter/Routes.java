package io.github.xdpipcounter.exporter;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * Every path the exporter answers, matched exactly on the raw path: the JDK
 * server matches contexts by prefix, so a context for /metrics would also
 * serve /metricsXYZ, and a decoded path would let /%6cist reach /list past a
 * proxy rule that blocks /list. Only GET and HEAD; anything else on a known
 * path is 405, any other path 404, an absolute-form target
 * ({@code GET http://host/list}) 400.
 *
 * <p>Until a counter is served, /metrics, /list and /-/ready answer 503:
 * a scraper or readiness probe never sees a 200 from a counter that counts
 * nothing. /-/healthy and /-/ready follow Prometheus' own endpoints.
 */
final class Routes implements HttpHandler {
    private static final System.Logger LOG = System.getLogger(Routes.class.getName());
    static final String METRICS = "/metrics";
    static final String LIST = "/list";
    static final String HEALTHY = "/-/healthy";
    static final String READY = "/-/ready";

    private final HttpHandler metrics;
    private final HttpHandler list;
    private final Supplier<Exporter.ServedCounter> served;
    private final byte[] unservedList;
    private final byte[] index;

    /**
     * @param list         the /list handler, or null when the list is not served
     * @param unservedList the error a request for /list gets when the list is not served
     */
    Routes(HttpHandler metrics, HttpHandler list, String unservedList, Supplier<Exporter.ServedCounter> served) {
        this.metrics = metrics;
        this.list = list;
        this.unservedList = SourceJsonWriter.error(unservedList);
        this.served = served;
        this.index = ("xdp-ip-counter\n\n/metrics    Prometheus metrics\n"
                + (list != null ? "/list       sources of the last window, JSON (filters: network, transport, port, limit)\n" : "")
                + "/-/healthy  200 while windows complete on time\n"
                + "/-/ready    200 while counting on at least one interface\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (RuntimeException e) {
            // The HTTP server would drop the connection without an answer; say what went wrong instead.
            LOG.log(System.Logger.Level.ERROR, "serving " + exchange.getRequestURI() + " failed", e);
            try {
                Responses.send(exchange, 500, Responses.TEXT, text("internal error: " + e));
            } catch (IOException | RuntimeException alreadyStarted) {
                exchange.close();
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        URI target = exchange.getRequestURI();
        if (target.getScheme() != null || target.getRawAuthority() != null) {
            Responses.send(exchange, 400, Responses.TEXT, text("absolute-form request targets are not served: ask for a path"));
            return;
        }
        String path = target.getRawPath() == null ? "" : target.getRawPath();
        boolean json = path.equals(LIST);
        if (!isKnown(path)) {
            Responses.send(exchange, 404, Responses.TEXT, text("not found: " + path));
            return;
        }
        if (Responses.rejectUnlessRead(exchange, json ? Responses.JSON : Responses.TEXT,
                json ? SourceJsonWriter.error("use GET") : text("use GET"))) {
            return;
        }
        Exporter.ServedCounter counter = served.get();
        switch (path) {
            case "/" -> Responses.send(exchange, 200, Responses.TEXT, index);
            case METRICS -> {
                if (counter == null) {
                    notYet(exchange, Responses.TEXT, text("not counting yet: the program is being attached"));
                } else {
                    metrics.handle(exchange);
                }
            }
            case LIST -> {
                if (list == null) {
                    Responses.send(exchange, 404, Responses.JSON, unservedList);
                } else if (counter == null) {
                    notYet(exchange, Responses.JSON, SourceJsonWriter.error("not counting yet: the program is being attached"));
                } else {
                    list.handle(exchange);
                }
            }
            case HEALTHY -> {
                if (counter == null || counter.onTime().getAsBoolean()) {
                    Responses.send(exchange, 200, Responses.TEXT, text("Healthy."));
                } else {
                    Responses.send(exchange, 503, Responses.TEXT, text("windows are not completing on time"));
                }
            }
            case READY -> {
                if (counter == null) {
                    notYet(exchange, Responses.TEXT, text("not counting yet: the program is being attached"));
                } else if (!counter.ready().getAsBoolean()) {
                    Responses.send(exchange, 503, Responses.TEXT, text("attached to no interface"));
                } else {
                    Responses.send(exchange, 200, Responses.TEXT, text("Ready."));
                }
            }
            default -> throw new IllegalStateException("unrouted known path " + path);
        }
    }

    private static boolean isKnown(String path) {
        return switch (path) {
            case "/", METRICS, LIST, HEALTHY, READY -> true;
            default -> false;
        };
    }

    private static void notYet(HttpExchange exchange, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Retry-After", "1");
        Responses.send(exchange, 503, contentType, body);
    }

    private static byte[] text(String line) {
        return (line + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
