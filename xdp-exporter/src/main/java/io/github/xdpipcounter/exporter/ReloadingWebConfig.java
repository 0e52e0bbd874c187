package io.github.xdpipcounter.exporter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The last good state of a web config file and the files it names, read
 * again when any of them changes.
 *
 * <p>Every connection (TLS) and request (basic auth) asks for the current
 * state; at most once per {@link #CHECK_INTERVAL} (one second) such an ask
 * also stats the files (a few microseconds each). Checking on every connection would cost
 * little more, but the interval keeps a flood of connections from becoming
 * a flood of stats, and makes it unlikely that a check falls between the
 * writes of a key and its certificate (which would log a warning that
 * the next check takes back). A file seen changed is read again: a good
 * result replaces the state for the next connection and request, a bad one
 * is logged once, as a warning, and the last good state stays.
 */
final class ReloadingWebConfig {
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger(WebSecurity.class.getName());

    /**
     * A good state: the config, the TLS generation made of its files, and
     * the stamps those files had when read.
     */
    record State(WebConfig config, Optional<TlsMaterial> tls, Map<Path, FileStamp> tlsStamps) {
    }

    private final Path file;
    private final boolean tls;
    private final long checkIntervalNanos;
    private final AtomicLong nextCheckNanos;
    private final ReentrantLock checking = new ReentrantLock();
    private volatile State current;
    /** The stamps of the files read at the last attempt, good or bad: a change to any is a new attempt. */
    private volatile Map<Path, FileStamp> seen;

    private ReloadingWebConfig(Path file, State first, Map<Path, FileStamp> seen, Duration checkInterval) {
        this.file = file;
        this.tls = first.tls().isPresent();
        this.current = first;
        this.seen = seen;
        this.checkIntervalNanos = checkInterval.toNanos();
        this.nextCheckNanos = new AtomicLong(System.nanoTime() + checkIntervalNanos);
    }

    /** Reads {@code file} and everything it names, now; looks at them again at most once per {@code checkInterval}. */
    static ReloadingWebConfig load(Path file, Duration checkInterval) throws WebConfigException {
        Path absolute = file.toAbsolutePath().normalize();
        Map<Path, FileStamp> stamps = new LinkedHashMap<>();
        State first = read(absolute, null, stamps);
        return new ReloadingWebConfig(absolute, first, stamps, checkInterval);
    }

    Path file() {
        return file;
    }

    /** Whether TLS was on at start; it stays so until a restart. */
    boolean tls() {
        return tls;
    }

    /** The current good state, after reading the files again if one changed (checked at most once per interval). */
    State current() {
        long now = System.nanoTime();
        long due = nextCheckNanos.get();
        if (now - due >= 0 && nextCheckNanos.compareAndSet(due, now + checkIntervalNanos) && checking.tryLock()) {
            try {
                reloadIfChanged();
            } finally {
                checking.unlock();
            }
        }
        return current;
    }

    private void reloadIfChanged() {
        Map<Path, FileStamp> before = seen;
        if (before.entrySet().stream().allMatch(e -> FileStamp.of(e.getKey()).equals(e.getValue()))) {
            return;
        }
        Map<Path, FileStamp> stamps = new LinkedHashMap<>();
        try {
            State next = read(file, current, stamps);
            if (next.tls().isPresent() != tls) {
                throw new WebConfigException(file, "tls_server_config", tls
                        ? "TLS was on at start, and turning it off needs a restart"
                        : "TLS was off at start, and turning it on needs a restart");
            }
            current = next;
            LOG.log(System.Logger.Level.INFO, () -> "web config " + file + ": reloaded; " + describe(next));
        } catch (WebConfigException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage() + " (still serving the last good config)");
        } catch (RuntimeException e) {
            // A defect here must not fail the connection or request that happened to look.
            LOG.log(System.Logger.Level.WARNING, "web config " + file + ": cannot be read: " + e + " (still serving the last good config)");
            LOG.log(System.Logger.Level.DEBUG, "web config " + file + ": reading failed", e);
        } finally {
            seen = Map.copyOf(stamps);
        }
    }

    /**
     * Reads {@code file} and the files it names, recording in {@code stamps}
     * each file's stamp before reading it (so a write during the read shows
     * as a change at the next check). The TLS generation of {@code previous}
     * is kept when its settings and files are unchanged, so that its
     * sessions stay resumable.
     */
    private static State read(Path file, State previous, Map<Path, FileStamp> stamps) throws WebConfigException {
        stamps.put(file, FileStamp.of(file));
        WebConfig config = WebConfig.read(file);
        if (config.tls().isEmpty()) {
            return new State(config, Optional.empty(), Map.of());
        }
        TlsServerConfig tlsConfig = config.tls().get();
        Map<Path, FileStamp> tlsStamps = new LinkedHashMap<>();
        for (Path tlsFile : tlsConfig.files()) {
            tlsStamps.put(tlsFile, FileStamp.of(tlsFile));
        }
        stamps.putAll(tlsStamps);
        if (previous != null && previous.tls().isPresent() && previous.tls().get().config().equals(tlsConfig)
                && previous.tlsStamps().equals(tlsStamps)) {
            return new State(config, previous.tls(), previous.tlsStamps());
        }
        return new State(config, Optional.of(TlsMaterial.load(file, tlsConfig)), Map.copyOf(tlsStamps));
    }

    /** What a state serves, for the log: the certificate and how many users. */
    static String describe(State state) {
        String users = state.config().users().isEmpty() ? "no basic auth"
                : "basic auth for " + state.config().users().hashByUser().size() + " user(s)";
        return state.tls().map(t -> "TLS with certificate '" + t.certificate().getSubjectX500Principal().getName()
                        + "' (serial " + t.certificate().getSerialNumber().toString(16)
                        + ", client_auth_type " + t.config().clientAuth() + "), ")
                .orElse("plain HTTP, ") + users;
    }
}
