package io.github.xdpipcounter.samples.embedding;

import java.util.List;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import com.sun.net.httpserver.HttpServer;

import io.github.xdpipcounter.core.CounterConfig;
import io.github.xdpipcounter.core.IpCounter;
import io.github.xdpipcounter.exporter.JdkHttpServerSettings;
import io.github.xdpipcounter.exporter.SourceListHandler;

/** The source list mounted on the application's own JDK HTTP server. */
final class OwnHttpServer {
    static final int PORT = 9401;

    private OwnHttpServer() {
    }

    static void run(String iface, Duration window, CountDownLatch stop) throws IOException, InterruptedException {
        // tag::own-http-server[]
        JdkHttpServerSettings.applyDefaults(); // the JDK server's time limits: before its first server
        HttpServer server = HttpServer.create(new InetSocketAddress(PORT), 0);
        try (IpCounter counter = IpCounter.start(new CounterConfig(List.of(iface)).withWindow(window))) {
            server.createContext("/list", SourceListHandler.following(counter));
            server.start();
            stop.await();
        } finally {
            server.stop(0);
        }
        // end::own-http-server[]
    }
}
