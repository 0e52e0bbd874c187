package io.github.xdpipcounter.exporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.xdpipcounter.testing.TestPki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every way {@link WebSecurity#load} refuses a file: one line naming the file, the field and the problem. */
class WebSecurityLoadTest {
    @TempDir
    static Path pkiDir;
    static TestPki pki;

    @TempDir
    Path dir;

    @BeforeAll
    static void makePki() {
        pki = TestPki.create(pkiDir);
    }

    private Path file() {
        return dir.resolve("web.yml");
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(file(), yaml);
    }

    /** Asserts that {@code yaml} is refused with "web config FILE: {@code problem}". */
    private void assertRefused(String yaml, String problem) throws IOException {
        write(yaml);
        assertThatThrownBy(() -> WebSecurity.load(file()))
                .isInstanceOf(WebConfigException.class)
                .hasMessage("web config " + file() + ": " + problem)
                .satisfies(e -> assertThat(((WebConfigException) e).file()).isEqualTo(file()));
    }

    private static String tls(Path cert, Path key, String... more) {
        return "tls_server_config:\n  cert_file: " + cert + "\n  key_file: " + key + "\n"
                + String.join("", Arrays.stream(more).map(line -> "  " + line + "\n").toList());
    }

    private static String serverTls(String... more) {
        return tls(pki.server.cert(), pki.server.key(), more);
    }

    @Test
    void aMissingFile() {
        Path absent = dir.resolve("absent.yml");
        assertThatThrownBy(() -> WebSecurity.load(absent)).hasMessage("web config " + absent + ": no such file");
    }

    @Test
    void badYaml() throws IOException {
        assertRefused("tls_server_config:\n  cert_file: a\n key_file: b\n",
                "not valid YAML at line 3, column 2: expected <block end>, but found '<block mapping start>'");
        assertRefused("tls_server_config: [\n", "not valid YAML at line 2, column 1: expected the node content, but found '<stream end>'");
        assertRefused("basic_auth_users:\n  alice: x\n  alice: y\n", "not valid YAML at line 3, column 8: Duplicate field 'alice'");
        assertRefused("- tls_server_config\n", "expected a mapping with tls_server_config and/or basic_auth_users, found a list");
    }

    @Test
    void unknownFields() throws IOException {
        assertRefused("tls_config:\n  cert_file: a\n", "tls_config: unknown field (known: tls_server_config, basic_auth_users)");
        assertRefused(serverTls("cert_fil: x"), "tls_server_config.cert_fil: unknown field"
                + " (known: cert_file, key_file, client_auth_type, client_ca_file, min_version, max_version)");
    }

    @Test
    void toolkitFieldsThisServerDoesNotImplement() throws IOException {
        assertRefused(serverTls("cipher_suites: [TLS_AES_128_GCM_SHA256]"),
                "tls_server_config.cipher_suites: not supported here (the JDK's defaults are used); remove it");
        assertRefused("http_server_config:\n  http2: false\n", "http_server_config: not supported here (HTTP/2 and extra headers); remove it");
        assertRefused("rate_limit:\n  interval: 1s\n  burst: 2\n", "rate_limit: not supported here; remove it");
        assertRefused("tls_server_config:\n  cert: |\n    -----BEGIN CERTIFICATE-----\n",
                "tls_server_config.cert: inline certificates are not supported here; put the PEM in a file and name it in cert_file");
        assertRefused(serverTls("client_allowed_sans: [a]"), "tls_server_config.client_allowed_sans: not supported here; remove it");
    }

    @Test
    void wrongTypes() throws IOException {
        assertRefused("tls_server_config:\n  cert_file: 12\n", "tls_server_config.cert_file: expected a string, found a number");
        assertRefused("tls_server_config: yes\n", "tls_server_config: expected a mapping, found a boolean");
        assertRefused("basic_auth_users: [alice]\n", "basic_auth_users: expected a mapping of user name to bcrypt hash, found a list");
    }

    @Test
    void certificateAndKeyFiles() throws IOException {
        assertRefused("tls_server_config:\n  cert_file: missing.pem\n  key_file: missing.key\n",
                "tls_server_config.cert_file: no such file " + dir.resolve("missing.pem"));
        assertRefused("tls_server_config:\n  key_file: " + pki.server.key() + "\n",
                "tls_server_config.cert_file: missing (TLS needs cert_file and key_file)");
        assertRefused("tls_server_config:\n  cert_file: " + pki.server.cert() + "\n",
                "tls_server_config.key_file: missing (TLS needs cert_file and key_file)");
        assertRefused(tls(pki.server.key(), pki.server.key()),
                "tls_server_config.cert_file: no certificate in " + pki.server.key() + " (a -----BEGIN CERTIFICATE----- block expected)");
        assertRefused(tls(pki.server.cert(), pki.server.cert()),
                "tls_server_config.key_file: no private key in " + pki.server.cert() + " (a -----BEGIN PRIVATE KEY----- block expected)");
        assertRefused(tls(pki.server.cert(), pki.secondServer.key()), "tls_server_config.key_file: the key in " + pki.secondServer.key()
                + " does not belong to the first certificate in " + pki.server.cert());
    }

    @Test
    void keyFormsThatNeedConverting() throws IOException {
        Path sec1 = pki.sec1Key();
        assertRefused(tls(pki.server.cert(), sec1), "tls_server_config.key_file: the key in " + sec1
                + " is a SEC1 EC key (BEGIN EC PRIVATE KEY), which is not supported;"
                + " convert it with: openssl pkcs8 -topk8 -nocrypt -in " + sec1 + " -out " + sec1 + ".pkcs8");
        Path encrypted = pki.encryptedKey();
        assertRefused(tls(pki.server.cert(), encrypted), "tls_server_config.key_file: the key in " + encrypted
                + " is encrypted, which is not supported; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + encrypted
                + " -out " + encrypted + ".pkcs8");
    }

    @Test
    void clientAuthentication() throws IOException {
        assertRefused(serverTls("client_auth_type: RequireClientCerts"), "tls_server_config.client_auth_type: unknown value 'RequireClientCerts'"
                + " (one of NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert)");
        assertRefused(serverTls("client_auth_type: RequireAndVerifyClientCert"), "tls_server_config.client_ca_file:"
                + " missing: client_auth_type RequireAndVerifyClientCert verifies client certificates against it");
        assertRefused(serverTls("client_auth_type: VerifyClientCertIfGiven"), "tls_server_config.client_ca_file:"
                + " missing: client_auth_type VerifyClientCertIfGiven verifies client certificates against it");
        assertRefused(serverTls("client_ca_file: " + pki.ca), "tls_server_config.client_ca_file: set, but client_auth_type is NoClientCert"
                + " (RequireAndVerifyClientCert verifies client certificates against it)");
        assertRefused(serverTls("client_auth_type: RequireAndVerifyClientCert", "client_ca_file: ca.pem"),
                "tls_server_config.client_ca_file: no such file " + dir.resolve("ca.pem"));
    }

    @Test
    void tlsVersions() throws IOException {
        assertRefused(serverTls("min_version: TLS14"), "tls_server_config.min_version: unknown value 'TLS14' (one of TLS10, TLS11, TLS12, TLS13)");
        assertRefused(serverTls("max_version: TLSv1.3"), "tls_server_config.max_version: unknown value 'TLSv1.3' (one of TLS10, TLS11, TLS12, TLS13)");
        assertRefused(serverTls("min_version: TLS13", "max_version: TLS12"), "tls_server_config.max_version: TLS12 is below min_version TLS13");
    }

    @Test
    void basicAuthUsers() throws IOException {
        String hash = TestPki.bcrypt("pw");
        String expected = "not a bcrypt hash: it must start with $2y$, $2a$ or $2b$ (htpasswd -nbB USER PASSWORD makes one)";
        assertRefused("basic_auth_users:\n  alice: secret\n", "basic_auth_users.alice: " + expected);
        assertRefused("basic_auth_users:\n  alice: '" + hash.replace("$2y$", "$2x$") + "'\n", "basic_auth_users.alice: " + expected);
        assertRefused("basic_auth_users:\n  alice: '" + hash.substring(0, 50) + "'\n", "basic_auth_users.alice: not a bcrypt hash:"
                + " 60 characters like $2y$10$ followed by 53 of [./A-Za-z0-9] expected (htpasswd -nbB USER PASSWORD makes one)");
        assertRefused("basic_auth_users:\n  alice: 12\n", "basic_auth_users.alice: expected a bcrypt hash, found a number");
        assertRefused("basic_auth_users:\n  'a:b': " + hash + "\n",
                "basic_auth_users.a:b: a user name cannot contain ':' (basic authentication separates it from the password with ':')");
    }

    @Test
    void whatIsAccepted() throws Exception {
        // Relative to the config file's directory, as in exporter-toolkit.
        Files.createDirectories(dir.resolve("tls"));
        Files.copy(pki.server.cert(), dir.resolve("tls/server.pem"));
        Files.copy(pki.serverKeyAsPkcs1(), dir.resolve("tls/server.key"));
        Files.copy(pki.ca, dir.resolve("tls/ca.pem"));
        WebSecurity relative = WebSecurity.load(write("tls_server_config:\n  cert_file: tls/server.pem\n  key_file: tls/server.key\n"
                + "  client_auth_type: RequireClientCert\n  client_ca_file: tls/ca.pem\n  min_version: TLS13\n  max_version: TLS13\n"
                + "basic_auth_users:\n  alice: " + TestPki.bcrypt("pw") + "\n  bob: '$2a$04$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'\n"));
        assertThat(relative.tls()).isTrue();
        assertThat(relative.file()).hasValue(file());
        assertThat(relative.describe()).isEqualTo("TLS with certificate 'CN=server-1' (serial 1001,"
                + " client_auth_type RequireAnyClientCert), basic auth for 2 user(s)");

        // exporter-toolkit turns TLS on only for certificates and client authentication.
        WebSecurity versionsOnly = WebSecurity.load(write("tls_server_config:\n  min_version: TLS13\nbasic_auth_users:\n"));
        assertThat(versionsOnly.tls()).isFalse();
        assertThat(versionsOnly.authenticator()).isPresent();
        assertThat(versionsOnly.describe()).isEqualTo("plain HTTP, no basic auth");
        assertThatThrownBy(versionsOnly::httpsConfigurator).isInstanceOf(IllegalStateException.class);
    }
}
