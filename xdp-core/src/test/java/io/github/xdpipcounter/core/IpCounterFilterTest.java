package io.github.xdpipcounter.core;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.testing.Frames;
import io.github.xdpipcounter.core.testing.RecordKeys;
import io.github.xdpipcounter.testing.RequiresRoot;
import io.github.xdpipcounter.testing.TwoHosts;

import static io.github.xdpipcounter.testing.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running {@link IpCounter} with filters, frames from a peer namespace
 * through the attached program: this host's addresses as read at start and
 * as changed later (rtnetlink), a filter replaced at run time, and listening
 * ports read through sock_diag at start and at window boundaries.
 */
@RequiresRoot
class IpCounterFilterTest {
    private static final String PEER = TwoHosts.PEER_V4.getFirst();
    private static final String PINGER = TwoHosts.PEER_V4.get(1);
    private static final String PEER_V6 = TwoHosts.PEER_V6.getFirst();
    private static final String OTHER_HOST = "10.203.0.99";
    private static final int PORT = 5000;

    @Test
    void onlyThisHostsDestinationsCountAndTheyFollowItsAddresses() throws Exception {
        try (TwoHosts hosts = TwoHosts.create()) {
            Set<Transport> withIcmp = EnumSet.of(Transport.ICMP);
            withIcmp.addAll(Transport.DEFAULT_TRACKED);
            CounterConfig config = new CounterConfig(List.of(hosts.counterInterface)).withWindow(Duration.ofHours(1))
                    .withFilter(TrafficFilter.DEFAULT.withTransports(withIcmp)
                            .withDestinations(DestinationFilter.localAddresses()));
            try (IpCounter counter = hosts.counter.inside(() -> IpCounter.start(config))) {
                counter.completeWindow();
                List<byte[]> frames = List.of(
                        udp(hosts, PEER, TwoHosts.COUNTER_V4), udp(hosts, PEER, OTHER_HOST),
                        udp(hosts, PEER, "10.203.0.255"), udp(hosts, PEER, "255.255.255.255"),
                        ping(hosts, PINGER, TwoHosts.COUNTER_V4), udp6(hosts, PEER_V6, TwoHosts.COUNTER_V6),
                        udp6(hosts, PEER_V6, "fd00:203::99"));
                hosts.sendFrames(frames);
                Window local = counter.completeWindow();
                // The interface address, its directed broadcast and the limited one: read at start, in the namespace.
                assertThat(RecordKeys.packets(local)).isEqualTo(Map.of(
                        RecordKeys.of(InetAddress.getByName(PEER), Transport.UDP, PORT), 3L,
                        RecordKeys.of(InetAddress.getByName(PINGER), Transport.ICMP, 8), 1L,
                        RecordKeys.of(InetAddress.getByName(PEER_V6), Transport.UDP, PORT), 1L));
                assertThat(local.statistics().ignored(IgnoreReason.NOT_FOR_THIS_HOST)).isGreaterThanOrEqualTo(2);

                // An address added while running: the rtnetlink monitor tells the counter.
                hosts.counter.ip("address", "add", OTHER_HOST + "/32", "dev", hosts.counterInterface);
                assertThat(awaitCounted(counter, hosts, udp(hosts, PEER, OTHER_HOST)))
                        .as("the added address counts within a window").isTrue();
                hosts.counter.ip("address", "del", TwoHosts.COUNTER_V4 + "/24", "dev", hosts.counterInterface);
                assertThat(awaitCounted(counter, hosts, udp(hosts, PINGER, TwoHosts.COUNTER_V4)))
                        .as("a deleted address stops counting").isFalse();
                hosts.sendFrames(frames);
                Window moved = counter.completeWindow();
                assertThat(RecordKeys.packets(moved)).as("the other address and the limited broadcast").isEqualTo(Map.of(
                        RecordKeys.of(InetAddress.getByName(PEER), Transport.UDP, PORT), 2L,
                        RecordKeys.of(InetAddress.getByName(PEER_V6), Transport.UDP, PORT), 1L));

                counter.filter(TrafficFilter.DEFAULT);
                assertThat(counter.filter()).isEqualTo(TrafficFilter.DEFAULT);
                hosts.sendFrames(frames);
                Window unfiltered = counter.completeWindow();
                assertThat(RecordKeys.packets(unfiltered)).isEqualTo(Map.of(
                        RecordKeys.of(InetAddress.getByName(PEER), Transport.UDP, PORT), 4L,
                        RecordKeys.of(InetAddress.getByName(PEER_V6), Transport.UDP, PORT), 2L));
                assertThat(unfiltered.statistics().ignored(IgnoreReason.TRANSPORT_NOT_TRACKED)).isPositive();

                // Back to local addresses from this thread, which is in the host's namespace: the counter's are read.
                counter.filter(TrafficFilter.DEFAULT.withDestinations(DestinationFilter.localAddresses()));
                hosts.sendFrames(frames);
                assertThat(RecordKeys.packets(counter.completeWindow())).isEqualTo(Map.of(
                        RecordKeys.of(InetAddress.getByName(PEER), Transport.UDP, PORT), 2L,
                        RecordKeys.of(InetAddress.getByName(PEER_V6), Transport.UDP, PORT), 1L));
            }
        }
    }

    /**
     * Sends {@code frame} and completes a window, every 100 ms for up to 3 s,
     * until it is counted; whether it was.
     */
    private static boolean awaitCounted(IpCounter counter, TwoHosts hosts, byte[] frame) throws InterruptedException {
        counter.completeWindow();
        for (int attempt = 0; attempt < 30; attempt++) {
            hosts.sendFrames(List.of(frame));
            if (!RecordKeys.packets(counter.completeWindow()).isEmpty()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    @Test
    void listeningPortsAreReadInTheCountersNamespaceAtEveryWindowBoundary() throws Exception {
        try (TwoHosts hosts = TwoHosts.create()) {
            CounterConfig config = new CounterConfig(List.of(hosts.counterInterface)).withWindow(Duration.ofHours(1))
                    .withPorts(PortSelection.of(22).plusListening());
            byte[] tcpToPort = Frames.ethernet(hosts.counterLinkAddress(), hosts.peerLinkAddress(), ETH_P_IP,
                    ipv4(PEER, TwoHosts.COUNTER_V4, IPPROTO_TCP, tcp(40000, PORT)));
            byte[] tcpToExplicitPort = Frames.ethernet(hosts.counterLinkAddress(), hosts.peerLinkAddress(), ETH_P_IP,
                    ipv4(PEER, TwoHosts.COUNTER_V4, IPPROTO_TCP, tcp(40000, 22)));
            List<byte[]> frames = List.of(udp(hosts, PEER, TwoHosts.COUNTER_V4), tcpToPort, tcpToExplicitPort);
            try (IpCounter counter = hosts.counter.inside(() -> IpCounter.start(config))) {
                hosts.sendFrames(frames);
                assertThat(RecordKeys.packets(counter.completeWindow())).as("nothing listens yet").isEqualTo(Map.of(
                        RecordKeys.of(InetAddress.getByName(PEER), Transport.TCP, 22), 1L));

                try (DatagramSocket server = hosts.counter.inside(() -> new DatagramSocket(PORT))) {
                    assertThat(server.getLocalPort()).isEqualTo(PORT);
                    hosts.sendFrames(frames);
                    assertThat(RecordKeys.packets(counter.completeWindow()))
                            .as("started during the window: counted from the next").hasSize(1);
                    hosts.sendFrames(frames);
                    Window window = counter.completeWindow();
                    assertThat(RecordKeys.packets(window)).as("UDP listener, not TCP").isEqualTo(Map.of(
                            RecordKeys.of(InetAddress.getByName(PEER), Transport.UDP, PORT), 1L,
                            RecordKeys.of(InetAddress.getByName(PEER), Transport.TCP, 22), 1L));
                    assertThat(window.statistics().ignored(IgnoreReason.PORT_FILTERED)).isEqualTo(1);
                }
                counter.completeWindow(); // the UDP socket is gone at this boundary

                // Listening ports only, chosen at run time; a TCP listener in the counter's namespace.
                counter.selectPorts(PortSelection.listening());
                try (ServerSocket server = hosts.counter.inside(() -> new ServerSocket(PORT))) {
                    assertThat(server.getLocalPort()).isEqualTo(PORT);
                    counter.completeWindow();
                    hosts.sendFrames(frames);
                    assertThat(RecordKeys.packets(counter.completeWindow())).isEqualTo(Map.of(
                            RecordKeys.of(InetAddress.getByName(PEER), Transport.TCP, PORT), 1L));
                }
            }
        }
    }

    @Test
    void listeningPortsSetByHandCountOnTheirOwnTransport() throws Exception {
        try (TwoHosts hosts = TwoHosts.create()) {
            CounterConfig config = new CounterConfig(List.of(hosts.counterInterface)).withWindow(Duration.ofHours(1))
                    .withPorts(PortSelection.of(22).plusListening());
            try (IpCounter counter = hosts.counter.inside(() -> IpCounter.start(config))) {
                BitSet udpPorts = new BitSet();
                udpPorts.set(PORT);
                counter.completeWindow();
                counter.listeningPortsChanged(Map.of(Transport.UDP, udpPorts));
                byte[] tcpToListeningUdpPort = Frames.ethernet(hosts.counterLinkAddress(), hosts.peerLinkAddress(), ETH_P_IP,
                        ipv4(PEER, TwoHosts.COUNTER_V4, IPPROTO_TCP, tcp(40000, PORT)));
                byte[] tcpToExplicitPort = Frames.ethernet(hosts.counterLinkAddress(), hosts.peerLinkAddress(), ETH_P_IP,
                        ipv4(PEER, TwoHosts.COUNTER_V4, IPPROTO_TCP, tcp(40000, 22)));
                hosts.sendFrames(List.of(udp(hosts, PEER, TwoHosts.COUNTER_V4), tcpToListeningUdpPort, tcpToExplicitPort,
                        Frames.ethernet(hosts.counterLinkAddress(), hosts.peerLinkAddress(), ETH_P_IP,
                                ipv4(PEER, TwoHosts.COUNTER_V4, IPPROTO_UDP, Frames.udp(40000, PORT + 1, 4)))));
                Window window = counter.completeWindow();
                assertThat(RecordKeys.packets(window)).isEqualTo(Map.of(
                        RecordKeys.of(InetAddress.getByName(PEER), Transport.UDP, PORT), 1L,
                        RecordKeys.of(InetAddress.getByName(PEER), Transport.TCP, 22), 1L));
                assertThat(window.statistics().ignored(IgnoreReason.PORT_FILTERED)).isEqualTo(2);

                // The selection changes, the listening ports stay; then they change.
                counter.selectPorts(PortSelection.listening());
                counter.listeningPortsChanged(Map.of(Transport.TCP, udpPorts));
                // (no window boundary in between: one would read the namespace's real listening ports, none)
                hosts.sendFrames(List.of(udp(hosts, PEER, TwoHosts.COUNTER_V4), tcpToListeningUdpPort, tcpToExplicitPort));
                assertThat(RecordKeys.packets(counter.completeWindow())).isEqualTo(Map.of(
                        RecordKeys.of(InetAddress.getByName(PEER), Transport.TCP, PORT), 1L));
            }
        }
    }

    private static byte[] udp(TwoHosts hosts, String source, String destination) {
        return Frames.ethernet(hosts.counterLinkAddress(), hosts.peerLinkAddress(), ETH_P_IP,
                ipv4(source, destination, IPPROTO_UDP, Frames.udp(40000, PORT, 4)));
    }

    private static byte[] udp6(TwoHosts hosts, String source, String destination) {
        return Frames.ethernet(hosts.counterLinkAddress(), hosts.peerLinkAddress(), ETH_P_IPV6,
                ipv6(source, destination, IPPROTO_UDP, Frames.udp(40000, PORT, 4)));
    }

    private static byte[] ping(TwoHosts hosts, String source, String destination) {
        return Frames.ethernet(hosts.counterLinkAddress(), hosts.peerLinkAddress(), ETH_P_IP,
                ipv4(source, destination, IPPROTO_ICMP, icmp(8, 0)));
    }
}
