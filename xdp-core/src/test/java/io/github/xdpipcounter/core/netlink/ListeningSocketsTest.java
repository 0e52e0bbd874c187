package io.github.xdpipcounter.core.netlink;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.testing.NetworkNamespace;
import io.github.xdpipcounter.testing.RequiresRoot;

import static java.net.StandardProtocolFamily.INET;
import static java.net.StandardProtocolFamily.INET6;
import static org.assertj.core.api.Assertions.assertThat;

/** Real sockets in namespaces of our own, read back through sock_diag. */
@RequiresRoot
class ListeningSocketsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private NetworkNamespace ns;
    private final List<Closeable> sockets = new ArrayList<>();

    @BeforeEach
    void aNamespaceOfOurOwn() {
        ns = NetworkNamespace.create("listen");
    }

    @AfterEach
    void closeTheSocketsAndRemoveTheNamespace() throws IOException {
        for (Closeable socket : sockets) {
            socket.close();
        }
        ns.close();
        assertThat(NetworkNamespace.leftBehind("listen")).as("namespaces left behind").isEmpty();
    }

    @Test
    void aFreshNamespaceListensNowhere() throws Exception {
        try (ListeningSockets reader = ns.inside(ListeningSockets::open)) {
            assertThat(reader.read()).isEqualTo(ListeningPorts.NONE);
        }
    }

    @Test
    void tcpListenersAndBoundUdpSocketsOfBothFamiliesAreFoundAndLostWhenClosed() throws Exception {
        try (ListeningSockets reader = ns.inside(ListeningSockets::open)) {
            ServerSocketChannel tcp4 = listen(INET, "127.0.0.1", 8080);
            ServerSocketChannel tcp6 = listen(INET6, "::1", 8443);
            DatagramChannel udp4 = bind(INET, "127.0.0.1", 5353);
            DatagramChannel udp6 = bind(INET6, "::1", 5354);

            ListeningPorts ports = reader.read(); // on this thread, of the host's namespace: the socket's counts
            assertThat(ports.tcp()).isEqualTo(bits(8080, 8443));
            assertThat(ports.udp()).isEqualTo(bits(5353, 5354));
            assertThat(ports.udpLite()).isEqualTo(bits());

            tcp4.close();
            udp6.close();
            assertThat(reader.read()).isEqualTo(new ListeningPorts(bits(8443), bits(5353), bits()));
            tcp6.close();
            udp4.close();
            assertThat(reader.read()).isEqualTo(ListeningPorts.NONE);
        }
    }

    @Test
    void connectedSocketsAreNotListening() throws Exception {
        try (ListeningSockets reader = ns.inside(ListeningSockets::open)) {
            listen(INET6, "::1", 8080);
            SocketChannel client = open(ns.inside(() -> SocketChannel.open(new InetSocketAddress("::1", 8080))));
            DatagramChannel dnsClient = open(ns.inside(() -> DatagramChannel.open(INET)
                    .connect(new InetSocketAddress("127.0.0.1", 53))));
            int clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
            int dnsClientPort = ((InetSocketAddress) dnsClient.getLocalAddress()).getPort();

            ListeningPorts ports = reader.read();

            assertThat(ports.tcp()).as("not the client's port %d", clientPort).isEqualTo(bits(8080));
            assertThat(ports.udp()).as("not the connected UDP port %d", dnsClientPort).isEqualTo(bits());
        }
    }

    @Test
    void udpLiteSocketsAreFoundToo() throws Exception {
        // Java cannot open UDP-Lite sockets: Python can, and holds them until we stop it.
        Process python = new ProcessBuilder("ip", "netns", "exec", ns.name(), "python3", "-c", """
                import socket, sys, time
                a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 136); a.bind(('127.0.0.1', 7001))
                b = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, 136); b.bind(('::1', 7002))
                print('ready', flush=True)
                sys.stdin.read()
                time.sleep(30)
                """).redirectErrorStream(true).start();
        try (ListeningSockets reader = ns.inside(ListeningSockets::open)) {
            BufferedReader output = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
            assertThat(output.readLine()).isEqualTo("ready");

            assertThat(reader.read()).isEqualTo(new ListeningPorts(bits(), bits(), bits(7001, 7002)));

            python.destroyForcibly();
            assertThat(python.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(reader.read()).isEqualTo(ListeningPorts.NONE);
        } finally {
            python.destroyForcibly().waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void socketsOfAnotherNamespaceAreNotSeen() throws Exception {
        try (NetworkNamespace other = NetworkNamespace.create("listen");
             ServerSocketChannel elsewhere = other.inside(() -> ServerSocketChannel.open(INET)
                     .bind(new InetSocketAddress("127.0.0.1", 9090)));
             ListeningSockets reader = ns.inside(ListeningSockets::open);
             ListeningSockets otherReader = other.inside(ListeningSockets::open)) {
            listen(INET, "127.0.0.1", 9091);

            assertThat(reader.read().tcp()).isEqualTo(bits(9091));
            assertThat(otherReader.read().tcp()).isEqualTo(bits(9090));
            assertThat(elsewhere.isOpen()).isTrue();
        }
    }

    @Test
    void aThousandListenersTakeSeveralDatagramsAndEstablishedConnectionsCostNothing() throws Exception {
        try (ListeningSockets reader = ns.inside(ListeningSockets::open)) {
            String empty = timeReads(reader);
            int[] expected = new int[1000];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = 20_000 + i;
                listen(i % 2 == 0 ? INET : INET6, i % 2 == 0 ? "127.0.0.1" : "::1", expected[i]);
            }
            assertThat(reader.read().tcp()).isEqualTo(bits(expected));
            String listeners = timeReads(reader);

            for (int i = 0; i < 1000; i++) { // 2,000 established sockets more: client and accepted ends
                int port = expected[i % 500 * 2]; // two per IPv4 listener: well within its backlog, nobody accepts
                open(ns.inside(() -> SocketChannel.open(new InetSocketAddress("127.0.0.1", port))));
            }
            assertThat(reader.read().tcp()).isEqualTo(bits(expected));
            String withConnections = timeReads(reader);

            System.out.printf("ListeningSockets.read(), fastest / median of 100 after 100: %s in an empty namespace, %s"
                    + " with 1,000 TCP listeners, %s with 2,000 established TCP sockets more%n", empty, listeners, withConnections);
        }
    }

    @Test
    void aClosedReaderSaysSo() throws Exception {
        ListeningSockets reader = ns.inside(ListeningSockets::open);
        reader.close();
        reader.close();

        org.assertj.core.api.Assertions.assertThatThrownBy(reader::read)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("listening sockets reader is closed");
    }

    /** "fastest / median µs" of 100 reads, after 100 more to have them compiled. */
    private static String timeReads(ListeningSockets reader) {
        for (int i = 0; i < 100; i++) {
            reader.read();
        }
        long[] nanos = new long[100];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            reader.read();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos[0] / 1000 + " / " + nanos[nanos.length / 2] / 1000 + " µs";
    }

    private ServerSocketChannel listen(ProtocolFamily family, String address, int port) throws Exception {
        return open(ns.inside(() -> ServerSocketChannel.open(family).bind(new InetSocketAddress(address, port))));
    }

    private DatagramChannel bind(StandardProtocolFamily family, String address, int port) throws Exception {
        return open(ns.inside(() -> DatagramChannel.open(family)
                .bind(new InetSocketAddress(InetAddress.getByName(address), port))));
    }

    private <T extends Closeable> T open(T socket) {
        sockets.add(socket);
        return socket;
    }

    private static BitSet bits(int... ports) {
        BitSet set = new BitSet();
        for (int port : ports) {
            set.set(port);
        }
        return set;
    }
}
