package io.github.xdpipcounter.exporter;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.xdpipcounter.testing.ChildProcess;
import io.github.xdpipcounter.testing.TestTools;

/** {@code openssl s_client} as the client: which certificates a server presents to a new connection. */
final class OpensslClient {
    private static final Pattern CERTIFICATE = Pattern.compile("-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", Pattern.DOTALL);

    private OpensslClient() {
    }

    /**
     * An HTTP/1.0 GET of / over one TLS connection; the output tells whether
     * the session was "New" or "Reused" and holds the HTTP response.
     */
    static ChildProcess.Outcome get(int port, String... options) {
        List<String> command = new ArrayList<>(List.of(TestTools.require("openssl", "openssl"), "s_client",
                "-connect", "127.0.0.1:" + port, "-servername", "localhost", "-ign_eof"));
        command.addAll(List.of(options));
        return ChildProcess.run(Duration.ofSeconds(20), command, "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n");
    }

    /** The chain the server at 127.0.0.1:{@code port} sends in a handshake (empty when it refuses). */
    static List<X509Certificate> servedChain(int port, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(TestTools.require("openssl", "openssl"), "s_client",
                "-connect", "127.0.0.1:" + port, "-servername", "localhost", "-showcerts"));
        command.addAll(List.of(options));
        ChildProcess.Outcome outcome = ChildProcess.run(Duration.ofSeconds(20), command);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> chain = new ArrayList<>();
        Matcher m = CERTIFICATE.matcher(outcome.stdout());
        while (m.find()) {
            chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.US_ASCII))));
        }
        return chain;
    }
}
