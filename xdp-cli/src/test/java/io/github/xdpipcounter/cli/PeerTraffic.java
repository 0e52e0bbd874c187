package io.github.xdpipcounter.cli;

import java.util.List;
import java.util.Map;

import io.github.xdpipcounter.testing.TwoHosts;
import io.github.xdpipcounter.testing.Exposition;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The traffic the tests of the jar send with {@link TwoHosts#sendFromPeer}:
 * from each of the peer's three IPv4 and three IPv6 addresses,
 * {@value #DATAGRAMS} UDP datagrams to {@value #UDP_PORT} and one TCP SYN to
 * {@value #TCP_PORT} (nothing listens: it is answered by a reset), and what
 * the exposition shows of it.
 */
final class PeerTraffic {
    static final int UDP_PORT = 5353;
    static final int TCP_PORT = 2222;
    static final int DATAGRAMS = 5;
    /** The {@code --ports} value that counts both. */
    static final String PORTS = UDP_PORT + "," + TCP_PORT;
    static final List<String> NETWORKS = List.of("IPv4", "IPv6");
    /** Sources per network: the peer's addresses of each. */
    static final double SOURCES = TwoHosts.PEER_V4.size();

    private PeerTraffic() {
    }

    static void send(TwoHosts hosts) {
        hosts.sendFromPeer(DATAGRAMS, UDP_PORT, TCP_PORT);
    }

    /** A scrape of the window the traffic was sent in: every source active on both ports, in both networks. */
    static void assertActive(Map<String, Double> samples) {
        assertActiveUsers(samples, SOURCES);
    }

    /** A scrape of a window after it: no source active on either port. */
    static void assertIdle(Map<String, Double> samples) {
        assertActiveUsers(samples, 0.0);
    }

    private static void assertActiveUsers(Map<String, Double> samples, double sources) {
        for (String network : NETWORKS) {
            assertThat(samples).containsEntry(Exposition.series("active_users", network, "UDP", UDP_PORT), sources)
                    .containsEntry(Exposition.series("active_users", network, "TCP", TCP_PORT), sources);
        }
    }
}
