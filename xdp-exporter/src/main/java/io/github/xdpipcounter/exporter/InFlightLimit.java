package io.github.xdpipcounter.exporter;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;

/**
 * Bounds the requests in progress, per client address and in all
 * ({@link RequestLimits}): one client that opens many downloads of /list
 * and never reads them cannot take the server from the others.
 */
final class InFlightLimit extends Filter {
    private final RequestLimits limits;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    InFlightLimit(RequestLimits limits) {
        this.limits = limits;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        InetAddress client = exchange.getRemoteAddress().getAddress();
        AtomicInteger mine = perClient.computeIfAbsent(client, c -> new AtomicInteger());
        int fromClient = mine.incrementAndGet();
        int inAll = total.incrementAndGet();
        try {
            if (fromClient > limits.perClient() || inAll > limits.total()) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                String who = fromClient > limits.perClient() ? "from " + client.getHostAddress() : "in all";
                String message = "too many requests in progress " + who + ": try again later";
                if (Routes.LIST.equals(exchange.getRequestURI().getRawPath())) {
                    Responses.send(exchange, 503, Responses.JSON, SourceJsonWriter.error(message)); // /list errors are JSON
                } else {
                    Responses.send(exchange, 503, Responses.TEXT, (message + "\n").getBytes(StandardCharsets.UTF_8));
                }
                return;
            }
            chain.doFilter(exchange);
        } finally {
            total.decrementAndGet();
            // Drop the entry once idle so that spoofed or many clients leave nothing behind.
            if (mine.decrementAndGet() == 0) {
                perClient.remove(client, mine);
            }
        }
    }

    @Override
    public String description() {
        return "bounds requests in progress per client and in all";
    }
}
