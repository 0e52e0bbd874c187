package io.github.xdpipcounter.exporter;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A TLS version as the web config file names it ({@code min_version},
 * {@code max_version}), in increasing order.
 *
 * <p>TLS 1.0 and 1.1 may be named, but the JDK disables them
 * ({@code jdk.tls.disabledAlgorithms}), so the lowest version served is
 * TLS 1.2 unless the JVM's security properties say otherwise.
 */
enum TlsVersion {
    TLS10("TLSv1"),
    TLS11("TLSv1.1"),
    TLS12("TLSv1.2"),
    TLS13("TLSv1.3");

    private final String protocol;

    TlsVersion(String protocol) {
        this.protocol = protocol;
    }

    /** The JSSE protocol name. */
    String protocol() {
        return protocol;
    }

    static Optional<TlsVersion> named(String name) {
        return Arrays.stream(values()).filter(v -> v.name().equals(name)).findFirst();
    }

    static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
