package io.github.xdpipcounter.exporter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;

/**
 * What a web config file asks of the HTTP server (TLS, client certificates,
 * basic authentication), kept current while the server runs.
 *
 * <p>The file is the one exporter-toolkit defines for node_exporter and
 * other Prometheus exporters ({@code --web.config.file}), and is read just
 * as strictly: unknown fields are errors. Supported:
 * <pre>{@code
 * tls_server_config:
 *   cert_file: server.pem        # PEM certificate, or chain (leaf first); relative to this file's directory
 *   key_file: server.key         # PEM private key: PKCS#8 (BEGIN PRIVATE KEY) or PKCS#1 RSA; not encrypted
 *   client_auth_type: RequireAndVerifyClientCert   # default NoClientCert; also RequestClientCert,
 *                                # RequireAnyClientCert (not verified), VerifyClientCertIfGiven
 *   client_ca_file: ca.pem       # needed by the two Verify modes
 *   min_version: TLS12           # TLS10..TLS13, default TLS12 (the JDK refuses below TLS12 unless told otherwise)
 *   max_version: TLS13           # default TLS13
 * basic_auth_users:              # user: bcrypt hash ($2y$, $2a$, $2b$), e.g. from htpasswd -nbB USER PASSWORD
 *   prometheus: $2y$10$...
 * }</pre>
 * TLS is on when any of cert_file, key_file, client_auth_type,
 * client_ca_file is set. The toolkit's other fields (cert, key, client_ca,
 * client_allowed_sans, cipher_suites, curve_preferences,
 * prefer_server_cipher_suites, http_server_config, rate_limit) are refused
 * with an error saying so, never ignored.
 *
 * <p>Changes to the file and to the certificate, key and CA files it names
 * count from the next connection (TLS) or request (users) that starts a
 * second or more after the last look at them; a changed file that is
 * invalid is logged once as a warning and the last good config stays.
 * Whether TLS is on is decided by {@link #load} and needs a restart to
 * change, as in exporter-toolkit. Connections already open keep the
 * certificate and client certificate they were set up with. Wiring:
 * <pre>{@code
 * WebSecurity security = WebSecurity.load(file);
 * HttpServer server = security.tls() ? HttpsServer.create(address, 0) : HttpServer.create(address, 0);
 * if (security.tls()) ((HttpsServer) server).setHttpsConfigurator(security.httpsConfigurator());
 * HttpContext context = server.createContext("/", handler);
 * security.authenticator().ifPresent(context::setAuthenticator);
 * }</pre>
 */
public final class WebSecurity {
    private final ReloadingWebConfig config;
    private final HttpsConfigurator httpsConfigurator;
    private final Authenticator authenticator;

    private WebSecurity(ReloadingWebConfig config) {
        this.config = config;
        this.httpsConfigurator = config != null && config.tls() ? new CurrentTls(config) : null;
        this.authenticator = config == null ? null : new BcryptAuthenticator(() -> config.current().config().users());
    }

    /**
     * Reads {@code webConfigFile} and everything it names (certificates,
     * key, client CAs, bcrypt hashes) now, so that a bad file is found at
     * start.
     *
     * @throws WebConfigException naming the file, the field and the problem, in one line
     *
     * @param webConfigFile the file
     * @return the security it configures
     * @throws WebConfigException naming the file, the field and the problem
     */
    public static WebSecurity load(Path webConfigFile) throws WebConfigException {
        return load(webConfigFile, ReloadingWebConfig.CHECK_INTERVAL);
    }

    /** As {@link #load(Path)}, looking at the files again at most once per {@code checkInterval}. */
    static WebSecurity load(Path webConfigFile, Duration checkInterval) throws WebConfigException {
        return new WebSecurity(ReloadingWebConfig.load(webConfigFile, checkInterval));
    }

    /**
     * No web config file: plain HTTP, no authentication.
     *
     * @return no security
     */
    public static WebSecurity none() {
        return new WebSecurity(null);
    }

    /**
     * Whether to serve HTTPS; decided by {@link #load}, and a change needs a restart.
     *
     * @return whether HTTPS
     */
    public boolean tls() {
        return httpsConfigurator != null;
    }

    /**
     * For {@code HttpsServer.setHttpsConfigurator}. Its SSLContext hands the
     * server, for every new connection, an engine made from the current
     * certificate, key, client CAs, client_auth_type and versions (from one
     * consistent reading of the files); a change makes a new inner context,
     * so TLS sessions from before it are not resumed.
     *
     * @return the configurator
     * @throws IllegalStateException when {@link #tls()} is false
     */
    public HttpsConfigurator httpsConfigurator() {
        if (httpsConfigurator == null) {
            throw new IllegalStateException("the web config does not turn TLS on");
        }
        return httpsConfigurator;
    }

    /**
     * For {@code HttpContext.setAuthenticator}: basic authentication (realm
     * {@value BcryptAuthenticator#REALM}) against the users the file lists
     * at each request; with none listed, every request passes. Empty only
     * for {@link #none()}, which has no file that could list users.
     *
     * @return the authenticator
     */
    public Optional<Authenticator> authenticator() {
        return Optional.ofNullable(authenticator);
    }

    /**
     * The web config file (absolute), or empty for {@link #none()}.
     *
     * @return the file
     */
    public Optional<Path> file() {
        return config == null ? Optional.empty() : Optional.of(config.file());
    }

    /**
     * What is served now, e.g. for a start-up line: TLS certificate and client_auth_type, number of users.
     *
     * @return the description
     */
    public String describe() {
        return config == null ? "plain HTTP, no basic auth" : ReloadingWebConfig.describe(config.current());
    }

    @Override
    public String toString() {
        return "WebSecurity[" + file().map(Path::toString).orElse("none") + "]";
    }

    /**
     * Leaves each engine as the context made it: the server applies only what
     * {@code configure} sets, and setting protocols or client authentication
     * here could mix two generations of the config in one connection.
     */
    private static final class CurrentTls extends HttpsConfigurator {
        CurrentTls(ReloadingWebConfig config) {
            super(new ReloadingSslContext(() -> config.current().tls().orElseThrow()));
        }

        @Override
        public void configure(HttpsParameters params) {
        }
    }
}
