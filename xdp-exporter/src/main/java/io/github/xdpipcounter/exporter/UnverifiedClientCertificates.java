package io.github.xdpipcounter.exporter;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts any client certificate chain without verifying it, for
 * RequestClientCert and RequireAnyClientCert (exporter-toolkit's meaning:
 * the client only proves it holds the certificate's key, which JSSE checks
 * with the CertificateVerify message).
 */
final class UnverifiedClientCertificates extends X509ExtendedTrustManager {
    private final X509Certificate[] hintedIssuers;

    /** @param hintedIssuers sent to clients as the CAs we would like (client_ca_file), not enforced */
    UnverifiedClientCertificates(List<X509Certificate> hintedIssuers) {
        this.hintedIssuers = hintedIssuers.toArray(X509Certificate[]::new);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a server's trust manager checks no server certificates");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return hintedIssuers.clone();
    }
}
