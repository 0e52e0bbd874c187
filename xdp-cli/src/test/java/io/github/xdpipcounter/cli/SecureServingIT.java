package io.github.xdpipcounter.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.xdpipcounter.testing.RequiresRoot;
import io.github.xdpipcounter.testing.TwoHosts;
import io.github.xdpipcounter.testing.Curl;
import io.github.xdpipcounter.testing.TestPki;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar serving /metrics and /list over TLS with client
 * certificates and basic authentication, from the web configuration file of
 * the Prometheus exporters (--web.config.file), checked with curl in the
 * tool's namespace against a CA this test makes. The reloading of
 * certificates and users is tested in WebSecurityTest.
 */
@RequiresRoot
class SecureServingIT {

    @Test
    void tlsClientCertificatesAndBasicAuthGuardMetricsAndList(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create(dir);
        Path web = Files.writeString(dir.resolve("web.yml"), """
                tls_server_config:
                  cert_file: %s
                  key_file: %s
                  client_auth_type: RequireAndVerifyClientCert
                  client_ca_file: %s
                basic_auth_users:
                  prometheus: %s
                """.formatted(pki.server.cert(), pki.server.key(), pki.ca, TestPki.bcrypt("s3cret")));
        try (TwoHosts hosts = TwoHosts.create();
             ToolProcess tool = ToolProcess.start(hosts.counter.name(), List.of(), "--iface", hosts.counterInterface,
                     "--ports", "3031", "--window", "2s", "--serve-ip-list", "--web.config.file", web.toString())) {
            String startup = tool.awaitStartup();
            assertThat(startup).endsWith("serving https://0.0.0.0:3031/metrics and https://0.0.0.0:3031/list");
            List<String> inside = List.of("ip", "netns", "exec", hosts.counter.name());
            URI metrics = URI.create("https://127.0.0.1:3031/metrics");
            URI list = URI.create("https://127.0.0.1:3031/list");
            String[] clientCert = {"--cacert", pki.ca.toString(), "--cert", pki.client.cert().toString(),
                    "--key", pki.client.key().toString()};

            Curl.Response good = Curl.get(inside, metrics, with(clientCert, "-u", "prometheus:s3cret"));
            assertThat(good.status()).as(good.error()).isEqualTo(200);
            assertThat(good.body()).contains("xdp_ipc_windows_total");
            assertThat(Curl.get(inside, list, with(clientCert, "-u", "prometheus:s3cret")).status()).isIn(200, 503);

            for (URI uri : List.of(metrics, list)) {
                Curl.Response wrong = Curl.get(inside, uri, with(clientCert, "-u", "prometheus:wrong"));
                assertThat(wrong.status()).as("wrong password, %s", uri).isEqualTo(401);
                assertThat(wrong.header("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
                assertThat(Curl.get(inside, uri, clientCert).status()).as("no credentials, %s", uri).isEqualTo(401);
                assertThat(Curl.get(inside, uri, with(clientCert, "-u", "nobody:s3cret")).status()).as("unknown user").isEqualTo(401);
            }

            // No client certificate, or one from another CA: refused in the handshake, before any HTTP.
            Curl.Response noCert = Curl.get(inside, metrics, "--cacert", pki.ca.toString(), "-u", "prometheus:s3cret");
            assertThat(noCert.status()).as("no client certificate").isZero();
            Curl.Response foreign = Curl.get(inside, metrics, "--cacert", pki.ca.toString(), "-u", "prometheus:s3cret",
                    "--cert", pki.foreignClient.cert().toString(), "--key", pki.foreignClient.key().toString());
            assertThat(foreign.status()).as("client certificate of another CA").isZero();
            // Plain HTTP to the TLS port gets no metrics.
            assertThat(Curl.get(inside, URI.create("http://127.0.0.1:3031/metrics")).status()).isNotEqualTo(200);
            assertThat(tool.alive()).isTrue();
        }
    }

    private static String[] with(String[] options, String... more) {
        String[] all = new String[options.length + more.length];
        System.arraycopy(options, 0, all, 0, options.length);
        System.arraycopy(more, 0, all, options.length, more.length);
        return all;
    }
}
