package io.github.xdpipcounter.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of a Prometheus text exposition, keyed by name and labels as
 * written: the one place tests turn an exposition into values, and build the
 * keys they look up.
 */
public final class Exposition {
    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)(\\{[^}]*\\})? (\\S+)$");

    private Exposition() {
    }

    /**
     * {@code name{labels}} (or {@code name}) to value, for every sample line.
     *
     * @param exposition a scrape in the Prometheus text format
     * @return the samples
     */
    public static Map<String, Double> samples(String exposition) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : exposition.lines().toList()) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
            }
        }
        return samples;
    }

    /**
     * The key {@link #samples} gives a per-port series, labels in the order the exporter writes them.
     *
     * @param name      the metric
     * @param network   the network label
     * @param transport the transport label
     * @param port      the port
     * @return the key
     */
    public static String series(String name, String network, String transport, int port) {
        return series(name, network, transport, String.valueOf(port));
    }

    /**
     * The same for a port label that is not a number ({@code "other"}).
     *
     * @param name      the metric
     * @param network   the network label
     * @param transport the transport label
     * @param port      the port label
     * @return the key
     */
    public static String series(String name, String network, String transport, String port) {
        return name + "{network=\"" + network + "\",port=\"" + port + "\",transport=\"" + transport + "\"}";
    }

    /**
     * The metric name of a {@link #samples} key.
     *
     * @param key a key
     * @return its metric name
     */
    public static String name(String key) {
        int brace = key.indexOf('{');
        return brace < 0 ? key : key.substring(0, brace);
    }
}
