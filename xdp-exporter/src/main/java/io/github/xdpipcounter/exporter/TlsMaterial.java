package io.github.xdpipcounter.exporter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * One generation of a TLS server's settings: the certificate chain, key and
 * client CAs read from their files, and the SSLContext and engine settings
 * made of them. Immutable; a change on disk makes a new one, with a new
 * SSLContext, so sessions of an older generation cannot be resumed in it
 * (a resumed session skips the certificate and client-certificate checks).
 */
final class TlsMaterial {
    private static final String TLS = "tls_server_config.";

    private final TlsServerConfig config;
    private final SSLContext context;
    private final X509Certificate certificate;
    private final String[] protocols;

    private TlsMaterial(TlsServerConfig config, SSLContext context, X509Certificate certificate) {
        this.config = config;
        this.context = context;
        this.certificate = certificate;
        this.protocols = Arrays.stream(TlsVersion.values())
                .filter(v -> v.compareTo(config.minVersion()) >= 0 && v.compareTo(config.maxVersion()) <= 0)
                .map(TlsVersion::protocol)
                .toArray(String[]::new);
    }

    /** Reads the files {@code config} names, checking that the key belongs to the first certificate. */
    static TlsMaterial load(Path configFile, TlsServerConfig config) throws WebConfigException {
        List<X509Certificate> chain = PemFiles.certificates(configFile, TLS + "cert_file", config.certFile());
        PrivateKey key = PemFiles.privateKey(configFile, TLS + "key_file", config.keyFile());
        if (!belongTogether(key, chain.getFirst().getPublicKey())) {
            throw new WebConfigException(configFile, TLS + "key_file", "the key in " + config.keyFile()
                    + " does not belong to the first certificate in " + config.certFile());
        }
        List<X509Certificate> clientCas = config.clientCaFile().isEmpty() ? List.of()
                : PemFiles.certificates(configFile, TLS + "client_ca_file", config.clientCaFile().get());
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new ServerKeyManager(key, chain)}, trustManagers(config.clientAuth(), clientCas), null);
            return new TlsMaterial(config, context, chain.getFirst());
        } catch (GeneralSecurityException e) {
            throw new WebConfigException(configFile, "tls_server_config", "cannot set up TLS: " + e.getMessage());
        }
    }

    private static TrustManager[] trustManagers(ClientAuthType clientAuth, List<X509Certificate> clientCas)
            throws GeneralSecurityException {
        if (clientAuth.verifies()) {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            try {
                anchors.load(null, null);
            } catch (IOException e) {
                throw new IllegalStateException("an empty in-memory key store cannot fail to load", e);
            }
            for (int i = 0; i < clientCas.size(); i++) {
                anchors.setCertificateEntry("client-ca-" + i, clientCas.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(anchors);
            return factory.getTrustManagers();
        }
        if (clientAuth.asksForCertificate()) {
            return new TrustManager[] {new UnverifiedClientCertificates(clientCas)};
        }
        return new TrustManager[0]; // no client certificate is asked for; JSSE then refuses any
    }

    /** Whether {@code key} is the private half of {@code publicKey}: it signs what the public key verifies. */
    private static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) {
            return key.getAlgorithm().equals(publicKey.getAlgorithm()); // RSASSA-PSS: the handshake will tell
        }
        byte[] probe = "xdp-ip-counter key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an EC key with an RSA certificate
        }
    }

    /** A server-side engine with this generation's protocols and client-certificate policy. */
    SSLEngine createEngine(String peerHost, int peerPort) {
        SSLEngine engine = context.createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(false); // first: switching modes resets the enabled protocols
        engine.setEnabledProtocols(protocols);
        config.clientAuth().applyTo(engine);
        return engine;
    }

    SSLContext context() {
        return context;
    }

    TlsServerConfig config() {
        return config;
    }

    /** The certificate served (the first of cert_file). */
    X509Certificate certificate() {
        return certificate;
    }
}
