package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.bpf.XdpMode;
import io.github.xdpipcounter.core.testing.RecordKeys;
import io.github.xdpipcounter.testing.RequiresRoot;
import io.github.xdpipcounter.testing.TwoHosts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real TCP and UDP over IPv4 and IPv6 between two network namespaces, the
 * program attached in skb mode to the counter host's end of the veth pair.
 */
@RequiresRoot
class EndToEndTest {
    private static final int UDP_PORT = 5353;
    private static final int TCP_PORT = 8443;
    private static final int DATAGRAMS = 7;

    @Test
    void theWindowHoldsExactlyTheSourcesPortsAndPacketsSent() throws Exception {
        try (TwoHosts hosts = TwoHosts.create()) {
            CounterConfig config = new CounterConfig(List.of(hosts.counterInterface))
                    .withWindow(Duration.ofHours(1)).withMode(XdpMode.SKB);
            IpCounter counter = hosts.counter.inside(() -> IpCounter.start(config));
            try {
                assertThat(counter.attachments()).extracting(Attachment::interfaceName).containsExactly(hosts.counterInterface);
                assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isTrue();
                counter.completeWindow(); // start from a clean window
                hosts.sendFromPeer(DATAGRAMS, UDP_PORT, TCP_PORT);
                Window window = counter.completeWindow();

                Map<String, Long> expected = new HashMap<>();
                for (String src : concat(TwoHosts.PEER_V4, TwoHosts.PEER_V6)) {
                    InetAddress source = InetAddress.getByName(src);
                    expected.put(RecordKeys.of(source, Transport.UDP, UDP_PORT), (long) DATAGRAMS);
                    expected.put(RecordKeys.of(source, Transport.TCP, TCP_PORT), 1L);
                }
                assertThat(RecordKeys.packets(window)).isEqualTo(expected);
                assertThat(window.uniqueSources(Network.IPV4, Transport.UDP, UDP_PORT)).isEqualTo(3);
                assertThat(window.uniqueSources(Network.IPV6, Transport.TCP, TCP_PORT)).isEqualTo(3);
                assertThat(window.activity(Network.IPV6, Transport.UDP, UDP_PORT).packets()).isEqualTo(3L * DATAGRAMS);
                // ARP and neighbour discovery were seen and passed, not counted.
                assertThat(window.statistics().ignoredTotal()).isPositive();
                assertThat(window.capacityExceeded()).isFalse();
                assertThat(window.sourcesTimedOutsideWindow()).as("kernel times outside the window").isZero();
                window.forEachSource(s -> {
                    assertThat(s.firstSeen()).isBetween(window.start(), window.end());
                    assertThat(s.lastSeen()).isBetween(s.firstSeen(), window.end());
                    assertThat(s.bytes()).isGreaterThanOrEqualTo(s.packets() * 54);
                });
            } finally {
                counter.close();
            }
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).as("attached after close").isFalse();
            assertThat(counter.latest()).isPresent();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
