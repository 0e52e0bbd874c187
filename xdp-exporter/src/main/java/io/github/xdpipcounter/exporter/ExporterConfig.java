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
 * @param security     TLS and basic authentication, from a web configuration file, or none
 * @param series       the bound on per-port series
 * @param inFlight     the bound on requests in progress
 * @param unservedList what a request for /list is told while the list is not served: an
 *                     embedder says here how its users turn it on
 */
public record ExporterConfig(InetAddress bind, int port, boolean serveIpList, WebSecurity security,
                             SeriesLimits series, RequestLimits inFlight, String unservedList) {
    /** The port the command serves on unless told: the peer tool's. */
    public static final int DEFAULT_PORT = 3031;
    /** What /list says while it is not served, unless the embedder says otherwise. */
    public static final String DEFAULT_UNSERVED_LIST = "/list is not served (ExporterConfig.serveIpList is false)";

    /**
     * Checks every component.
     *
     * @throws IllegalArgumentException for a port out of 0-65535
     */
    public ExporterConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(inFlight, "inFlight");
        Objects.requireNonNull(unservedList, "unservedList");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("server port must be 0-65535, not " + port);
        }
    }

    /**
     * Plain HTTP, no authentication, default limits.
     *
     * @param bind        the address to listen on
     * @param port        the TCP port (0 picks a free one)
     * @param serveIpList whether /list is served
     */
    public ExporterConfig(InetAddress bind, int port, boolean serveIpList) {
        this(bind, port, serveIpList, WebSecurity.none(), SeriesLimits.DEFAULT, RequestLimits.DEFAULT,
                DEFAULT_UNSERVED_LIST);
    }

    /**
     * This configuration with TLS and basic authentication replaced.
     *
     * @param value TLS and basic authentication
     * @return the new configuration
     */
    public ExporterConfig withSecurity(WebSecurity value) {
        return new ExporterConfig(bind, port, serveIpList, value, series, inFlight, unservedList);
    }

    /**
     * This configuration with the bound on per-port series replaced.
     *
     * @param value the bound on per-port series
     * @return the new configuration
     */
    public ExporterConfig withSeries(SeriesLimits value) {
        return new ExporterConfig(bind, port, serveIpList, security, value, inFlight, unservedList);
    }

    /**
     * This configuration with the bound on requests in progress replaced.
     *
     * @param value the bound on requests in progress
     * @return the new configuration
     */
    public ExporterConfig withInFlight(RequestLimits value) {
        return new ExporterConfig(bind, port, serveIpList, security, series, value, unservedList);
    }

    /**
     * This configuration with what /list says while it is not served replaced.
     *
     * @param value what /list says while it is not served
     * @return the new configuration
     */
    public ExporterConfig withUnservedList(String value) {
        return new ExporterConfig(bind, port, serveIpList, security, series, inFlight, value);
    }

    /**
     * Where to listen.
     *
     * @return the address and port
     */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(bind, port);
    }
}
