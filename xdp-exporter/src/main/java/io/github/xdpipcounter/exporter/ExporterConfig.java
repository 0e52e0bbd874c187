package io.github.xdpipcounter.exporter;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where and what the exporter serves.
 *
 * @param bind         the address to listen on; the wildcard address means every address
 * @param port         the TCP port (0 picks a free one)
 * @param serveIpList  whether /list is served (it names every source: off unless asked for)
 */
public record ExporterConfig(InetAddress bind, int port, boolean serveIpList) {
    public static final int DEFAULT_PORT = 3031;

    public ExporterConfig {
        Objects.requireNonNull(bind, "bind");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("server port must be 0-65535, not " + port);
        }
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(bind, port);
    }
}
