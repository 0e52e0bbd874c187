package io.github.xdpipcounter.exporter;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.function.Supplier;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import io.github.xdpipcounter.core.IpCounter;
import io.github.xdpipcounter.core.Window;

/**
 * GET /list: the last completed window's sources as a JSON array, filtered
 * by the query ({@code network}, {@code transport}, {@code port},
 * {@code limit}), streamed in constant memory. The window's bounds go in the
 * X-Window-Start and X-Window-End headers (wall clock), its number in
 * X-Window-Sequence. X-Window-Partial is {@code true} when some sources found
 * the window full and have no record, so the list lacks them
 * ({@link Window#capacityExceeded()}), {@code false} otherwise;
 * X-Window-Sources-Without-Room estimates how many
 * ({@link Window#sourcesWithoutRoom()}, 0 when none). Before the first window
 * completes the array is empty and those headers are absent. A bad query is a 400 with a one-line JSON
 * error; methods other than GET and HEAD are a 405.
 *
 * <p>The {@link Exporter} serves it at {@code /list}; mount it on a server of
 * your own just as well:
 * <pre>{@code
 * HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 8080), 0);
 * server.createContext("/list", SourceListHandler.following(counter));
 * server.start();
 * }</pre>
 * The list names every source: protect it as you would the traffic itself.
 * (The JDK server matches a context by path prefix, {@code /list/x} too; the
 * {@link Exporter} matches its paths exactly.)
 */
public final class SourceListHandler implements HttpHandler {
    static final String WINDOW_START = "X-Window-Start";
    static final String WINDOW_END = "X-Window-End";
    static final String WINDOW_SEQUENCE = "X-Window-Sequence";
    static final String WINDOW_PARTIAL = "X-Window-Partial";
    static final String WINDOW_SOURCES_WITHOUT_ROOM = "X-Window-Sources-Without-Room";

    private final Supplier<Optional<Window>> windows;

    /**
     * Serves the window {@code windows} gives at each request.
     *
     * @param windows the window to list, or none before the first completes
     */
    public SourceListHandler(Supplier<Optional<Window>> windows) {
        this.windows = windows;
    }

    /**
     * Serves a running counter's last completed window.
     *
     * @param counter the counter
     * @return the handler
     */
    public static SourceListHandler following(IpCounter counter) {
        return new SourceListHandler(counter::latest);
    }

    /** Answers one request; the exchange is closed afterwards. */
    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (Responses.rejectUnlessRead(exchange, Responses.JSON, SourceJsonWriter.error("use GET"))) {
                return;
            }
            ListQuery query;
            try {
                query = ListQuery.parse(exchange.getRequestURI().getRawQuery());
            } catch (ListQuery.BadQueryException e) {
                Responses.send(exchange, 400, Responses.JSON, SourceJsonWriter.error(e.getMessage()));
                return;
            }
            // One window for the whole response, even if another completes meanwhile.
            Window window = windows.get().orElse(null);
            Headers headers = exchange.getResponseHeaders();
            headers.set("Content-Type", Responses.JSON);
            headers.set("Cache-Control", "no-store");
            if (window != null) {
                headers.set(WINDOW_START, SourceJsonWriter.rfc3339(window.start()));
                headers.set(WINDOW_END, SourceJsonWriter.rfc3339(window.end()));
                // The window's number orders windows where their wall-clock bounds cannot (after a clock step).
                headers.set(WINDOW_SEQUENCE, Long.toString(window.sequence()));
                // The body stays the peer's bare array; whether it is whole goes beside it.
                headers.set(WINDOW_PARTIAL, Boolean.toString(window.capacityExceeded()));
                headers.set(WINDOW_SOURCES_WITHOUT_ROOM, Long.toString(window.sourcesWithoutRoom()));
            }
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, 0); // chunked: the length is not known before writing
            try (OutputStream body = exchange.getResponseBody()) {
                SourceJsonWriter.write(window, query, body);
            }
        }
    }
}
