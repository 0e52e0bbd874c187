package io.github.xdpipcounter.exporter;

import java.util.Optional;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpsConfigurator;

/** TEMPORARY stand-in until the web-config branch is merged. */
public final class WebSecurity {
    private static final WebSecurity NONE = new WebSecurity();

    public static WebSecurity none() {
        return NONE;
    }

    public static WebSecurity load(java.nio.file.Path file) throws WebConfigException {
        throw new WebConfigException("web config " + file + ": not supported yet");
    }

    public boolean tls() {
        return false;
    }

    public HttpsConfigurator httpsConfigurator() {
        throw new IllegalStateException("no TLS");
    }

    public Optional<Authenticator> authenticator() {
        return Optional.empty();
    }
}
