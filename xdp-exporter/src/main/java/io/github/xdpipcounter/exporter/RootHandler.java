package io.github.xdpipcounter.exporter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * Everything but /metrics and /-/healthy (which the Prometheus server
 * answers): /list when it is served, a short index at /, 404 elsewhere.
 * Without --serve-ip-list, /list is a 404 that says how to turn it on.
 */
final class RootHandler implements HttpHandler {
    private static final System.Logger LOG = System.getLogger(RootHandler.class.getName());
    private final HttpHandler list;
    private final byte[] index;

    /** @param list the /list handler, or null when the list is not served */
    RootHandler(HttpHandler list) {
        this.list = list;
        this.index = ("xdp-ip-counter\n\n/metrics    Prometheus metrics\n"
                + (list != null ? "/list       sources of the last window, JSON (filters: network, transport, port, limit)\n" : "")
                + "/-/healthy  health check\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (RuntimeException e) {
            // The HTTP server would drop the connection without an answer; say what went wrong instead.
            LOG.log(System.Logger.Level.ERROR, "serving " + exchange.getRequestURI() + " failed", e);
            try {
                Responses.send(exchange, 500, Responses.TEXT, ("internal error: " + e + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException alreadyStarted) {
                exchange.close();
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/list") || path.equals("/list/")) {
            if (list != null) {
                list.handle(exchange);
            } else {
                Responses.send(exchange, 404, Responses.JSON,
                        SourceJsonWriter.error("/list is not served: start xdp-ip-counter with --serve-ip-list"));
            }
        } else if (path.equals("/")) {
            if (!Responses.rejectUnlessRead(exchange, Responses.TEXT, index)) {
                Responses.send(exchange, 200, Responses.TEXT, index);
            }
        } else {
            Responses.send(exchange, 404, Responses.TEXT, ("not found: " + path + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
