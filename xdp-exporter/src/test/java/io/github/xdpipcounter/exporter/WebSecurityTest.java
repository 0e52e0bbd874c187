package io.github.xdpipcounter.exporter;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.xdpipcounter.testing.Curl;
import io.github.xdpipcounter.testing.TestPki;
import io.github.xdpipcounter.testing.ChildProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real JDK HttpsServer/HttpServer set up from {@link WebSecurity} as the
 * exporter does, on loopback, against real clients: curl, openssl s_client
 * and the JDK's HttpClient. No root needed.
 */
class WebSecurityTest {
    private static final String CHALLENGE = "Basic realm=\"xdp-ip-counter\", charset=\"UTF-8\"";
    /** Shorter than the default, to keep the test short; the users test checks the default. */
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(200);
    /** Long enough for the next connection or request to look at the files again. */
    private static final Duration PAST_CHECK = CHECK_INTERVAL.plusMillis(100);

    @TempDir
    static Path pkiDir;
    static TestPki pki;
    static String aliceHash;
    static String bobHash;

    @TempDir
    Path dir;

    @BeforeAll
    static void makePki() {
        pki = TestPki.create(pkiDir);
        aliceHash = TestPki.bcrypt("alice-password");
        bobHash = TestPki.bcrypt("bob-password");
    }

    private Path webConfig(String yaml) throws IOException {
        Path file = dir.resolve("web.yml");
        Files.writeString(file, yaml);
        return file;
    }

    private static WebSecurity load(Path file) throws WebConfigException {
        return WebSecurity.load(file, CHECK_INTERVAL);
    }

    private static String tls(TestPki.Issued server, String... more) {
        return "tls_server_config:\n  cert_file: " + server.cert() + "\n  key_file: " + server.key() + "\n"
                + String.join("", List.of(more).stream().map(line -> "  " + line + "\n").toList());
    }

    private static String users(String... userAndHash) {
        StringBuilder yaml = new StringBuilder("basic_auth_users:\n");
        for (int i = 0; i < userAndHash.length; i += 2) {
            yaml.append("  ").append(userAndHash[i]).append(": ").append(userAndHash[i + 1]).append('\n');
        }
        return yaml.toString();
    }

    private static Curl.Response curl(SecuredServer server, String... options) {
        String[] all = new String[options.length + 2];
        all[0] = "--cacert";
        all[1] = pki.ca.toString();
        System.arraycopy(options, 0, all, 2, options.length);
        return Curl.get(server.uri(), all);
    }

    private static void sleepPastCheckInterval() throws InterruptedException {
        Thread.sleep(PAST_CHECK);
    }

    @Test
    void basicAuthOverTlsLetsTheRightPasswordIn() throws Exception {
        try (SecuredServer server = SecuredServer.start(load(webConfig(tls(pki.server) + users("alice", aliceHash))))) {
            Curl.Response ok = curl(server, "--user", "alice:alice-password");
            assertThat(ok.status()).as(ok.error()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("hello alice");

            for (String[] refused : new String[][] {
                    {"--user", "alice:wrong"}, {}, {"--user", "mallory:alice-password"},
                    {"--header", "Authorization: Bearer abc"}, {"--header", "Authorization: Basic !!!"},
                    {"--header", "Authorization: Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8))}}) {
                Curl.Response response = curl(server, refused);
                assertThat(response.status()).as(String.join(" ", refused)).isEqualTo(401);
                assertThat(response.header("WWW-Authenticate")).as(String.join(" ", refused)).hasValue(CHALLENGE);
            }
        }
    }

    @Test
    void bcryptIsPaidForUnknownUsersTooAndOnlyOnceForARepeatedPassword() throws Exception {
        String costly = TestPki.bcrypt("carol-password", 10); // tens of ms per check
        try (SecuredServer server = SecuredServer.start(load(webConfig(users("carol", costly))))) {
            HttpClient http = HttpClient.newHttpClient();
            assertThat(timedStatus(http, server, "carol", "carol-password").status()).isEqualTo(200); // warms the cache and the JIT
            timedStatus(http, server, "nobody", "x"); // makes the decoy hash once
            long wrongPassword = medianMillis(http, server, "carol", "wrong", 401);
            long unknownUser = medianMillis(http, server, "nobody", "wrong", 401);
            long cachedSuccess = medianMillis(http, server, "carol", "carol-password", 200);
            // bcrypt at cost 10 takes tens of ms; a request without it takes about one.
            assertThat(wrongPassword).isGreaterThanOrEqualTo(15);
            assertThat(unknownUser).as("unknown user vs wrong password, ms").isGreaterThan(wrongPassword / 2);
            assertThat(cachedSuccess).as("cached success vs wrong password, ms").isLessThan(wrongPassword / 3);
        }
    }

    private record Timed(int status, long millis) {
    }

    private static Timed timedStatus(HttpClient http, SecuredServer server, String user, String password) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri()).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .build();
        long start = System.nanoTime();
        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        return new Timed(status, (System.nanoTime() - start) / 1_000_000);
    }

    private static long medianMillis(HttpClient http, SecuredServer server, String user, String password, int expectedStatus) throws Exception {
        long[] millis = new long[5];
        for (int i = 0; i < millis.length; i++) {
            Timed timed = timedStatus(http, server, user, password);
            assertThat(timed.status()).isEqualTo(expectedStatus);
            millis[i] = timed.millis();
        }
        Arrays.sort(millis);
        return millis[millis.length / 2];
    }

    @ParameterizedTest(name = "{0}: no certificate -> {1}, from the CA -> {2}, from another CA -> {3}")
    @CsvSource({
            "NoClientCert,               200, 200, 200",
            "RequestClientCert,          200, 200, 200",
            "RequireAnyClientCert,       0,   200, 200",
            "VerifyClientCertIfGiven,    200, 200, 0",
            "RequireAndVerifyClientCert, 0,   200, 0",
    })
    void clientCertificatesAreAskedForAsClientAuthTypeSays(String clientAuthType, int none, int fromCa, int fromOtherCa) throws Exception {
        String ca = clientAuthType.equals("NoClientCert") ? "" : "client_ca_file: " + pki.ca;
        try (SecuredServer server = SecuredServer.start(load(webConfig(tls(pki.server, "client_auth_type: " + clientAuthType, ca))))) {
            assertThat(curl(server).status()).as("no certificate").isEqualTo(none);
            assertThat(curl(server, "--cert", pki.client.cert().toString(), "--key", pki.client.key().toString()).status())
                    .as("certificate from the CA").isEqualTo(fromCa);
            Curl.Response foreign = curl(server, "--cert", pki.foreignClient.cert().toString(), "--key", pki.foreignClient.key().toString());
            assertThat(foreign.status()).as("certificate from another CA").isEqualTo(fromOtherCa);
            if (fromOtherCa == 0) {
                assertThat(foreign.exit()).as("curl fails on the refused handshake: " + foreign.error()).isNotZero();
            }
        }
    }

    @Test
    void minAndMaxVersionBoundTheTlsVersion() throws Exception {
        try (SecuredServer server = SecuredServer.start(load(webConfig(tls(pki.server, "min_version: TLS13"))))) {
            Curl.Response tls12 = curl(server, "--tls-max", "1.2");
            assertThat(tls12.status()).isZero();
            assertThat(tls12.exit()).as(tls12.error()).isNotZero();
            assertThat(curl(server).status()).isEqualTo(200);
        }
        try (SecuredServer server = SecuredServer.start(load(webConfig(tls(pki.server, "max_version: TLS12"))))) {
            assertThat(curl(server, "--tlsv1.3").status()).isZero();
            assertThat(curl(server, "--tls-max", "1.2").status()).isEqualTo(200);
        }
        try (SecuredServer server = SecuredServer.start(load(webConfig(tls(pki.server))))) {
            assertThat(curl(server, "--tls-max", "1.2").status()).as("TLS12 is the default minimum").isEqualTo(200);
        }
    }

    @Test
    void aCertificateChainIsServedWhole() throws Exception {
        try (SecuredServer server = SecuredServer.start(load(webConfig(tls(pki.chainedServer))))) {
            List<X509Certificate> chain = OpensslClient.servedChain(server.port());
            assertThat(chain).extracting(c -> c.getSubjectX500Principal().getName()).containsExactly("CN=chained-server", "CN=intermediate-ca");
            assertThat(curl(server).status()).as("curl trusting only the root").isEqualTo(200);
        }
    }

    @Test
    void aPkcs1RsaKeyIsServed() throws Exception {
        String yaml = "tls_server_config:\n  cert_file: " + pki.server.cert() + "\n  key_file: " + pki.serverKeyAsPkcs1() + "\n";
        try (SecuredServer server = SecuredServer.start(load(webConfig(yaml)))) {
            assertThat(OpensslClient.servedChain(server.port())).first().extracting(X509Certificate::getSerialNumber)
                    .isEqualTo(pki.server.serial());
            assertThat(curl(server).status()).isEqualTo(200);
        }
    }

    @Test
    void aCertificateWrittenOverTheOldOneIsServedToTheNextConnection() throws Exception {
        Path cert = dir.resolve("server.pem");
        Path key = dir.resolve("server.key");
        Files.copy(pki.server.cert(), cert);
        Files.copy(pki.server.key(), key);
        String yaml = "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n"; // relative to the config file
        try (CapturedLog log = CapturedLog.of(WebSecurity.class);
             SecuredServer server = SecuredServer.start(load(webConfig(yaml)))) {
            HttpClient keptAlive = HttpClient.newBuilder().sslContext(trusting(pki.ca)).build();
            assertThat(servedSerial(keptAlive, server)).isEqualTo(pki.server.serial());
            assertThat(OpensslClient.servedChain(server.port())).first().extracting(X509Certificate::getSerialNumber)
                    .isEqualTo(pki.server.serial());

            // In place, key first, as an administrator would: RSA becomes EC.
            Files.write(key, Files.readAllBytes(pki.secondServer.key()));
            Files.write(cert, Files.readAllBytes(pki.secondServer.cert()));
            sleepPastCheckInterval();

            assertThat(OpensslClient.servedChain(server.port())).first().extracting(X509Certificate::getSerialNumber)
                    .isEqualTo(pki.secondServer.serial());
            assertThat(servedSerial(HttpClient.newBuilder().sslContext(trusting(pki.ca)).build(), server))
                    .isEqualTo(pki.secondServer.serial());
            // A connection opened before the change keeps the certificate it was set up with.
            assertThat(servedSerial(keptAlive, server)).isEqualTo(pki.server.serial());
            assertThat(log.at(Level.WARNING)).isEmpty();
            assertThat(log.at(Level.INFO)).extracting(LogRecord::getMessage).containsExactly("web config " + dir.resolve("web.yml")
                    + ": reloaded; TLS with certificate 'CN=server-2' (serial 2002, client_auth_type NoClientCert), no basic auth");
        }
    }

    private static BigInteger servedSerial(HttpClient http, SecuredServer server) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
    }

    private static SSLContext trusting(Path ca) throws Exception {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        try (var in = Files.newInputStream(ca)) {
            anchors.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    @Test
    void aTlsSessionFromBeforeAChangeIsNotResumedAfterIt() throws Exception {
        Path file = webConfig(tls(pki.server, "client_auth_type: RequireAnyClientCert"));
        String session = dir.resolve("session.pem").toString();
        String[] foreignCert = {"-cert", pki.foreignClient.cert().toString(), "-key", pki.foreignClient.key().toString()};
        try (SecuredServer server = SecuredServer.start(load(file))) {
            ChildProcess.Outcome first = OpensslClient.get(server.port(), concat(foreignCert, "-sess_out", session));
            assertThat(first.stdout()).contains("New, TLSv1.3").contains("HTTP/1.1 200");
            ChildProcess.Outcome resumed = OpensslClient.get(server.port(), concat(foreignCert, "-sess_in", session));
            assertThat(resumed.stdout()).as("resumed while nothing changed").contains("Reused, TLSv1.3").contains("HTTP/1.1 200");

            // Now the foreign certificate no longer verifies; its session must not carry it past the check.
            Files.writeString(file, tls(pki.server, "client_auth_type: RequireAndVerifyClientCert", "client_ca_file: " + pki.ca));
            sleepPastCheckInterval();
            ChildProcess.Outcome after = OpensslClient.get(server.port(), concat(foreignCert, "-sess_in", session));
            assertThat(after.stdout()).doesNotContain("Reused").doesNotContain("HTTP/1.1 200");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void usersAddedAndRemovedInTheFileCountFromTheFirstRequestASecondAfterTheLastLook() throws Exception {
        Path file = webConfig(users("alice", aliceHash));
        long loaded = System.nanoTime();
        try (SecuredServer server = SecuredServer.start(WebSecurity.load(file))) { // the default interval
            assertThat(Curl.get(server.uri(), "--user", "alice:alice-password").status()).isEqualTo(200);
            assertThat(Curl.get(server.uri(), "--user", "bob:bob-password").status()).isEqualTo(401);

            Files.writeString(file, users("bob", bobHash));
            int withinASecond = Curl.get(server.uri(), "--user", "bob:bob-password").status();
            if (Duration.ofNanos(System.nanoTime() - loaded).compareTo(ReloadingWebConfig.CHECK_INTERVAL) < 0) {
                assertThat(withinASecond).as("within a second of the first look, the file is not looked at again").isEqualTo(401);
            }
            Thread.sleep(ReloadingWebConfig.CHECK_INTERVAL.plusMillis(100));

            assertThat(Curl.get(server.uri(), "--user", "bob:bob-password").body()).isEqualTo("hello bob");
            assertThat(Curl.get(server.uri(), "--user", "alice:alice-password").status()).as("removed, though cached").isEqualTo(401);
        }
    }

    @Test
    void aFileBrokenWhileServingKeepsTheLastGoodConfigAndWarnsOncePerChange() throws Exception {
        Path file = webConfig(tls(pki.server) + users("alice", aliceHash));
        Path cert = dir.resolve("server.pem");
        try (CapturedLog log = CapturedLog.of(WebSecurity.class);
             SecuredServer server = SecuredServer.start(load(file))) {
            Files.writeString(file, "tls_server_config: [\n");
            for (int i = 0; i < 2; i++) {
                sleepPastCheckInterval();
                assertThat(curl(server, "--user", "alice:alice-password").status()).isEqualTo(200);
            }
            assertThat(log.at(Level.WARNING)).singleElement().satisfies(warning -> {
                assertThat(warning.getMessage()).startsWith("web config " + file + ": not valid YAML at line 2, column 1: ")
                        .endsWith(" (still serving the last good config)").doesNotContain("\n");
                assertThat(warning.getThrown()).isNull();
            });

            Files.writeString(cert, "not a certificate\n");
            Files.writeString(file, "tls_server_config:\n  cert_file: server.pem\n  key_file: " + pki.server.key() + "\n");
            sleepPastCheckInterval();
            assertThat(OpensslClient.servedChain(server.port())).first().extracting(X509Certificate::getSerialNumber)
                    .isEqualTo(pki.server.serial());
            assertThat(log.at(Level.WARNING)).hasSize(2).last().extracting(LogRecord::getMessage).isEqualTo("web config " + file
                    + ": tls_server_config.cert_file: no certificate in " + cert
                    + " (a -----BEGIN CERTIFICATE----- block expected) (still serving the last good config)");

            Files.writeString(file, users("alice", aliceHash));
            sleepPastCheckInterval();
            assertThat(curl(server, "--user", "alice:alice-password").status()).isEqualTo(200);
            assertThat(log.at(Level.WARNING)).hasSize(3).last().extracting(LogRecord::getMessage).isEqualTo("web config " + file
                    + ": tls_server_config: TLS was on at start, and turning it off needs a restart (still serving the last good config)");

            Files.copy(pki.server.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(file, "tls_server_config:\n  cert_file: server.pem\n  key_file: " + pki.server.key() + "\n");
            sleepPastCheckInterval();
            assertThat(curl(server).body()).as("good again: no users").isEqualTo("hello anonymous");
            assertThat(log.at(Level.WARNING)).hasSize(3);
            assertThat(log.at(Level.INFO)).hasSize(1);
        }
    }

    @Test
    void withoutAFileOrWithAnEmptyOneItIsPlainHttpForEveryone() throws Exception {
        WebSecurity none = WebSecurity.none();
        assertThat(none.tls()).isFalse();
        assertThat(none.authenticator()).isEmpty();
        assertThat(none.file()).isEmpty();
        try (SecuredServer server = SecuredServer.start(none)) {
            assertThat(Curl.get(server.uri()).body()).isEqualTo("hello anonymous");
        }
        Path empty = webConfig("");
        WebSecurity open = WebSecurity.load(empty);
        assertThat(open.tls()).isFalse();
        assertThat(open.file()).hasValue(empty);
        try (SecuredServer server = SecuredServer.start(open)) {
            assertThat(Curl.get(server.uri()).body()).isEqualTo("hello anonymous");
        }
    }

    @Test
    void basicAuthWorksOverPlainHttpToo() throws Exception {
        try (SecuredServer server = SecuredServer.start(load(webConfig(users("alice", aliceHash))))) {
            assertThat(server.uri().getScheme()).isEqualTo("http");
            assertThat(Curl.get(server.uri(), "--user", "alice:alice-password").body()).isEqualTo("hello alice");
            assertThat(Curl.get(server.uri()).header("WWW-Authenticate")).hasValue(CHALLENGE);
        }
    }

    @Test
    void aTlsUrlIsAskedForTheCertificateOfTheHost() throws Exception {
        // curl checks the name: the certificate's SAN covers 127.0.0.1 and localhost.
        try (SecuredServer server = SecuredServer.start(load(webConfig(tls(pki.server))))) {
            assertThat(Curl.get(URI.create("https://localhost:" + server.port() + "/"), "--cacert", pki.ca.toString(),
                    "--resolve", "localhost:" + server.port() + ":127.0.0.1").status()).isEqualTo(200);
        }
    }
}
