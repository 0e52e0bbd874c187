package io.github.xdpipcounter.exporter;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a TLS server asks of client certificates ({@code client_auth_type}),
 * with exporter-toolkit's (Go's crypto/tls) meanings.
 */
enum ClientAuthType {
    /** No certificate is asked for. */
    NoClientCert(false, false, false),
    /** A certificate is asked for; none is fine, and one sent is not verified. */
    RequestClientCert(false, true, false),
    /** A certificate is required, but not verified: only possession of its key is proven. */
    RequireAnyClientCert(true, false, false),
    /** None is fine; one sent must verify against client_ca_file. */
    VerifyClientCertIfGiven(false, true, true),
    /** A certificate is required and must verify against client_ca_file: the only mode that authenticates clients. */
    RequireAndVerifyClientCert(true, false, true);

    private final boolean need;
    private final boolean want;
    private final boolean verify;

    ClientAuthType(boolean need, boolean want, boolean verify) {
        this.need = need;
        this.want = want;
        this.verify = verify;
    }

    boolean needsCertificate() {
        return need;
    }

    boolean wantsCertificate() {
        return want;
    }

    /** Whether a certificate sent is verified against client_ca_file. */
    boolean verifies() {
        return verify;
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
