package io.github.xdpipcounter.exporter;

/**
 * How many requests the exporter handles at once. A request counts from the
 * moment its headers are read until its response is written; beyond either
 * bound a client gets 503 with Retry-After at once, instead of waiting.
 * A Prometheus server scrapes one target one request at a time, so the
 * per-client bound leaves room for several servers behind one address.
 *
 * @param perClient requests in progress from one client address
 * @param total     requests in progress in all
 */
public record RequestLimits(int perClient, int total) {
    /** 16 per client, 256 in all. */
    public static final RequestLimits DEFAULT = new RequestLimits(16, 256);

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException unless 1 &lt;= perClient &lt;= total
     */
    public RequestLimits {
        if (perClient < 1 || total < perClient) {
            throw new IllegalArgumentException("need 1 <= perClient <= total, not " + perClient + " and " + total);
        }
    }
}
