/**
 * Helpers for testing code that embeds xdp-ip-counter against real packets:
 * two hosts in network namespaces joined by a veth pair
 * ({@link io.github.xdpipcounter.testing.TwoHosts}), frames to send
 * ({@link io.github.xdpipcounter.testing.Frames}), a JUnit condition for
 * tests that need root ({@link io.github.xdpipcounter.testing.RequiresRoot}),
 * and clients that check what an exporter serves
 * ({@link io.github.xdpipcounter.testing.Exposition},
 * {@link io.github.xdpipcounter.testing.Promtool},
 * {@link io.github.xdpipcounter.testing.Curl}). Namespaces need root and
 * {@code --enable-native-access=io.github.xdpipcounter.testing} (or
 * {@code ALL-UNNAMED} on the class path).
 */
module io.github.xdpipcounter.testing {
    requires transitive org.junit.jupiter.api;

    exports io.github.xdpipcounter.testing;
}
