package io.github.xdpipcounter.exporter;

import java.security.SecureRandom;
import java.util.function.Supplier;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The one SSLContext the JDK's HttpsServer is given: every engine it
 * creates, one per connection, comes from the current {@link TlsMaterial},
 * with that generation's protocols and client-certificate policy already
 * set.
 *
 * <p>Why a context of our own: the server reads its configurator's
 * {@code getSSLContext()} once, in {@code setHttpsConfigurator}, and keeps
 * that context for its lifetime; per connection it calls only
 * {@code createSSLEngine(host, port)} on it, then the configurator's
 * {@code configure}, which can set parameters but not the certificate
 * (sun.net.httpserver.ServerImpl and SSLStreams, JDK 25). Engines and
 * session contexts only: the server asks for nothing else, so sockets and
 * SSLParameters are refused (the inner context's default parameters would
 * not say what our engines use).
 */
final class ReloadingSslContext extends SSLContext {
    ReloadingSslContext(Supplier<TlsMaterial> current) {
        super(new Spi(current), current.get().context().getProvider(), current.get().context().getProtocol());
    }

    private static final class Spi extends SSLContextSpi {
        private final Supplier<TlsMaterial> current;

        Spi(Supplier<TlsMaterial> current) {
            this.current = current;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
            throw new UnsupportedOperationException("initialized from the web config file");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return current.get().createEngine(null, -1);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return current.get().createEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return current.get().context().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return current.get().context().getClientSessionContext();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw new UnsupportedOperationException("this context makes SSLEngines for an HttpsServer only");
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw new UnsupportedOperationException("this context makes SSLEngines for an HttpsServer only");
        }
    }
}
