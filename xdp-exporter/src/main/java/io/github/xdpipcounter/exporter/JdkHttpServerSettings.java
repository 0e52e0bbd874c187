package io.github.xdpipcounter.exporter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JDK HTTP server's own limits, which only JVM-wide system properties
 * set, read once when the first server of the JVM is created (and the
 * virtual thread scheduler's, read when the first virtual thread starts). By default the
 * JDK server waits forever for a request's headers and body and for a client
 * to read its response, and accepts any number of connections: ten clients
 * that send half a request hold their connections for good. The exporter
 * does not set these behind an embedder's back; the xdp-ip-counter command
 * calls {@link #applyDefaults()} first thing, and an embedding application
 * may do the same, or set its own values with {@code -D}.
 */
public final class JdkHttpServerSettings {
    /**
     * Each property with the value this project uses:
     * <ul>
     * <li>{@code sun.net.httpserver.maxReqTime} 10 s to read a whole request, headers and body,
     *     from its first byte (and to send a first byte after connecting);
     * <li>{@code sun.net.httpserver.maxRspTime} 60 s to write a whole response (a /list of a
     *     million sources is about 170 MB);
     * <li>{@code jdk.httpserver.maxConnections} 1024 open connections; the server closes
     *     further ones as soon as it accepts them;
     * <li>{@code sun.net.httpserver.maxReqHeaders} 64 header lines and
     *     {@code sun.net.httpserver.maxReqHeaderSize} 16 KiB of headers;
     * <li>{@code sun.net.httpserver.nodelay} true: without TCP_NODELAY a gzipped scrape,
     *     written in small pieces, waits ~40 ms for the client's delayed ACK;
     * <li>{@code jdk.virtualThreadScheduler.parallelism} 64 carrier threads, not one per
     *     core: the JDK server's dispatcher shares a monitor with the handlers, and a
     *     virtual thread handed it waits for a carrier; with 2 carriers a burst of 300
     *     requests stalled every new connection for seconds, with 64 the burst was served
     *     in 1-1.5 s and no scrape waited (read when the JVM's first virtual thread starts).
     * </ul>
     */
    public static final Map<String, String> DEFAULTS = defaults();

    private JdkHttpServerSettings() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("sun.net.httpserver.maxReqTime", "10");
        map.put("sun.net.httpserver.maxRspTime", "60");
        map.put("jdk.httpserver.maxConnections", "1024");
        map.put("sun.net.httpserver.maxReqHeaders", "64");
        map.put("sun.net.httpserver.maxReqHeaderSize", "16384");
        map.put("sun.net.httpserver.nodelay", "true");
        map.put("jdk.virtualThreadScheduler.parallelism", "64");
        return Map.copyOf(map);
    }

    /**
     * Sets each of {@link #DEFAULTS} that is not set already. Has an effect
     * only before the JVM's first JDK HTTP server is created.
     */
    public static void applyDefaults() {
        DEFAULTS.forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        });
    }
}
