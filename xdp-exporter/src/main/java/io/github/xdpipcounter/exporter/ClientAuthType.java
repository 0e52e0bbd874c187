package io.github.xdpipcounter.exporter;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.net.ssl.SSLEngine;

/**
 * What a TLS server asks of client certificates ({@code client_auth_type}),
 * with exporter-toolkit's (Go's crypto/tls) meanings.
 */
enum ClientAuthType {
    /** No certificate is asked for. */
    NoClientCert(Request.NONE, false),
    /** A certificate is asked for; none is fine, and one sent is not verified. */
    RequestClientCert(Request.WANT, false),
    /** A certificate is required, but not verified: only possession of its key is proven. */
    RequireAnyClientCert(Request.NEED, false),
    /** None is fine; one sent must verify against client_ca_file. */
    VerifyClientCertIfGiven(Request.WANT, true),
    /** A certificate is required and must verify against client_ca_file: the only mode that authenticates clients. */
    RequireAndVerifyClientCert(Request.NEED, true);

    /** What the server asks of the client in the handshake: JSSE's "want" and "need", which exclude each other. */
    private enum Request { NONE, WANT, NEED }

    private final Request request;
    private final boolean verify;

    ClientAuthType(Request request, boolean verify) {
        this.request = request;
        this.verify = verify;
    }

    /** Whether the handshake asks for a certificate at all. */
    boolean asksForCertificate() {
        return request != Request.NONE;
    }

    /** Whether a certificate sent is verified against client_ca_file. */
    boolean verifies() {
        return verify;
    }

    /** Makes a server engine ask for a client certificate as this type says. */
    void applyTo(SSLEngine engine) {
        switch (request) {
            case NEED -> engine.setNeedClientAuth(true);
            case WANT -> engine.setWantClientAuth(true);
            case NONE -> {
                // JSSE's default: no CertificateRequest
            }
        }
    }

    static Optional<ClientAuthType> named(String name) {
        if (name.equals("RequireClientCert")) {
            return Optional.of(RequireAnyClientCert); // exporter-toolkit's old name for it
        }
        return Arrays.stream(values()).filter(v -> v.name().equals(name)).findFirst();
    }

    static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
