package io.github.xdpipcounter.exporter;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;

/**
 * A JDK HttpServer or HttpsServer on 127.0.0.1, an ephemeral port, set up
 * from a {@link WebSecurity} the way the exporter is, answering every path
 * with {@code hello USER} ({@code hello anonymous} without authentication).
 */
final class SecuredServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final String scheme;

    private SecuredServer(WebSecurity security) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
        if (security.tls()) {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(security.httpsConfigurator());
            server = https;
        } else {
            server = HttpServer.create(address, 0);
        }
        scheme = security.tls() ? "https" : "http";
        HttpContext context = server.createContext("/", exchange -> {
            byte[] body = ("hello " + (exchange.getPrincipal() == null ? "anonymous" : exchange.getPrincipal().getUsername()))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        security.authenticator().ifPresent(context::setAuthenticator);
        server.setExecutor(executor);
        server.start();
    }

    static SecuredServer start(WebSecurity security) throws IOException {
        return new SecuredServer(security);
    }

    int port() {
        return server.getAddress().getPort();
    }

    URI uri() {
        return URI.create(scheme + "://127.0.0.1:" + port() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
