package io.github.xdpipcounter.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.github.xdpipcounter.testing.NetworkNamespace;
import io.github.xdpipcounter.testing.RequiresRoot;
import io.github.xdpipcounter.testing.TwoHosts;
import io.github.xdpipcounter.testing.Exposition;
import io.github.xdpipcounter.exporter.JdkHttpServerSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile HTTP clients against the built jar: connections that send half a
 * request, declare a body and never send it, never read a large /list, or
 * come by the hundred. During each attack, made from the peer namespace, a
 * scraper with an address of its own (so its own per-client bound) must get
 * /metrics within 1 s, again and again; and the server must cut the
 * attackers after the JDK server's time limits. One tool process serves
 * every attack; each attack closes its sockets before the next.
 */
@RequiresRoot
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileClientsIT {
    private static final int UDP_PORT = 5353;
    private static final InetSocketAddress SERVER = new InetSocketAddress(TwoHosts.COUNTER_V4, 3031);
    /** The scraper: an address no attacker uses. */
    private static final String SCRAPER = TwoHosts.PEER_V4.get(0);
    private static final List<String> ATTACKERS = TwoHosts.PEER_V4.subList(1, 3);
    /** Every scrape during an attack is answered within this. */
    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(1);
    /** Beyond this a scrape is abandoned, so that a starved server fails the test instead of hanging it. */
    private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration SCRAPING = Duration.ofSeconds(3);
    /** How long the JDK server waits for a whole request, as the tool sets it. */
    private static final Duration MAX_REQUEST_TIME = Duration.ofSeconds(
            Long.parseLong(JdkHttpServerSettings.DEFAULTS.get("sun.net.httpserver.maxReqTime")));
    private static final Duration CUT_LIMIT = Duration.ofSeconds(25);
    /** Sources of the /list nobody reads: about 170 bytes of JSON each, some 700 KB in all. */
    private static final int LIST_SOURCES = 4_000;
    private static final String TRACKED_V4 = "xdp_ipc_sources_tracked{network=\"IPv4\"}";
    /** A reader's receive buffer: the /list answer cannot hide in it. */
    private static final int SMALL_RECEIVE_BUFFER = 4096;
    private static final int CROWD = 300;
    /** 15 of the crowd per address: under the per-client bound of 16, so each one is owed a 200. */
    private static final int CROWD_ADDRESSES = 20;
    /** The first SYN retransmission comes 1 s after the SYN (the kernel's initial RTO). */
    private static final Duration SYN_RETRANSMIT = Duration.ofSeconds(1);

    private TwoHosts hosts;
    private ToolProcess tool;

    @BeforeAll
    void startTool() throws Exception {
        // JUnit runs @AfterAll even when this fails: the namespaces go in any case.
        hosts = TwoHosts.create();
        for (String address : crowdAddresses()) {
            hosts.peer.ip("addr", "add", address + "/24", "dev", hosts.peerInterface);
        }
        tool = ToolProcess.start(hosts.counter.name(), List.of(), "--iface", hosts.counterInterface,
                "--ports", String.valueOf(UDP_PORT), "--window", "2s", "--serve-ip-list");
        tool.awaitStartup();
        // The scrapes of a fresh JVM run cold (some 0.3-0.5 s for the first): have them before any attack.
        awaitWindows(1);
    }

    @AfterAll
    void stopTool() {
        try {
            if (tool != null) {
                tool.close();
            }
        } finally {
            if (hosts != null) {
                hosts.close();
            }
        }
    }

    @AfterEach
    void toolStillServesAndComplainedOfNothing() {
        assertThat(tool.alive()).as("tool alive; output %s", tool.output()).isTrue();
        assertThat(tool.output()).noneMatch(line -> line.contains("Exception") || line.contains("WARN")
                || line.contains("error"));
    }

    @Test
    void slowHeadersNeverStarveAScrapeAndAreCutAfterTheRequestTimeLimit() throws Exception {
        try (Attackers slow = open(10, ATTACKERS.subList(0, 1), "GET /metrics HTTP/1.1\r\n", 0);
             Attackers silent = open(1, ATTACKERS.subList(1, 2), "", 0)) {
            scrapeDuring("10 connections that send the request line only");

            List<Duration> cuts = new ArrayList<>();
            for (Attacker attacker : slow.all()) {
                cuts.add(awaitCut(attacker));
            }
            report("slow headers: the server cut all 10 connections after %.1f to %.1f s (maxReqTime %d s)",
                    seconds(Collections.min(cuts)), seconds(Collections.max(cuts)), MAX_REQUEST_TIME.toSeconds());
            assertThat(cuts).allSatisfy(cut -> assertThat(cut).isBetween(MAX_REQUEST_TIME.minusMillis(500), CUT_LIMIT));

            // A connection that never sends a byte is closed by the JDK's idle timer, which runs every 10 s.
            Duration silentCut = awaitCut(silent.all().getFirst());
            report("silent connection: cut after %.1f s", seconds(silentCut));
            assertThat(silentCut).isBetween(MAX_REQUEST_TIME.minusMillis(500), CUT_LIMIT);
        }
    }

    @Test
    void bodiesThatNeverComeNeverStarveAScrape() throws Exception {
        try (Attackers _ = open(10, ATTACKERS.subList(0, 1), headers("/metrics", "Content-Length: 100"), 0)) {
            scrapeDuring("10 requests whose 100-byte bodies never come");
        }
    }

    @Test
    void expectContinueWithoutABodyNeverStarvesAScrape() throws Exception {
        try (Attackers attackers = open(10, ATTACKERS.subList(0, 1),
                headers("/metrics", "Content-Length: 100\r\nExpect: 100-continue"), 0)) {
            scrapeDuring("10 requests that expect 100-continue and send no body");
            // The server did take them: it invited each body.
            for (Attacker attacker : attackers.all()) {
                assertThat(firstLine(attacker.socket())).isEqualTo("HTTP/1.1 100 Continue");
            }
        }
    }

    @Test
    void sourceListsNobodyReadsNeverStarveAScrape() throws Exception {
        // Right after a window starts, so that every source lands in it. On a busy machine the sender may
        // start late and straddle the next boundary (the sources then split over two windows): send again.
        Map<String, Double> filled = Map.of();
        for (int attempt = 0; attempt < 3 && filled.getOrDefault(TRACKED_V4, 0.0) != LIST_SOURCES; attempt++) {
            double windows = scrape().getOrDefault("xdp_ipc_windows_total", 0.0);
            awaitWindows(windows + 1);
            hosts.sendFromManySources(LIST_SOURCES, UDP_PORT);
            filled = awaitWindows(windows + 2);
            assertThat(filled.get(TRACKED_V4)).as("IPv4 sources of one window").isLessThanOrEqualTo(LIST_SOURCES);
        }
        assertThat(filled).containsEntry(TRACKED_V4, (double) LIST_SOURCES);

        String reader = ATTACKERS.getFirst();
        try (Attackers readers = open(12, List.of(reader), headers("/list", ""), SMALL_RECEIVE_BUFFER)) {
            List<String> statuses = new ArrayList<>();
            for (Attacker attacker : readers.all()) {
                statuses.add(firstLine(attacker.socket()));
            }
            assertThat(statuses).as("status lines").containsOnly("HTTP/1.1 200 OK");
            // Each answer is stuck: the server holds unsent bytes for every reader.
            awaitStalledAnswers(reader, 12);
            scrapeDuring("12 /list answers of " + LIST_SOURCES + " sources nobody reads");
            awaitStalledAnswers(reader, 12);
        }
    }

    @Test
    void fiveHundredHalfRequestsNeverStarveAScrape() throws Exception {
        try (Attackers _ = open(500, ATTACKERS, "GET /metrics HTTP/1.1\r\n", 0)) {
            scrapeDuring("500 connections that send the request line only");
        }
    }

    @Test
    void threeHundredClientsAtOnceAreAllAcceptedAtOnceAndAnswered() throws Exception {
        Map<String, Long> counterBefore = tcpExt(hosts.counter);
        Map<String, Long> peerBefore = tcpExt(hosts.peer);
        List<Outcome> outcomes = hosts.peer.inside(HostileClientsIT::crowd);
        Map<String, Long> counterAfter = tcpExt(hosts.counter);
        Map<String, Long> peerAfter = tcpExt(hosts.peer);

        List<Duration> connects = outcomes.stream().filter(o -> o.connect() != null).map(Outcome::connect).sorted().toList();
        List<Duration> answers = outcomes.stream().filter(o -> o.answer() != null).map(Outcome::answer).sorted().toList();
        report("%d clients at once: connect %s; whole answer %s", CROWD, distribution(connects), distribution(answers));
        assertThat(outcomes).allSatisfy(outcome -> {
            assertThat(outcome.failure()).isNull();
            assertThat(outcome.status()).isEqualTo(200);
        });
        assertThat(connects).hasSize(CROWD).allSatisfy(connect -> assertThat(connect).isLessThan(SYN_RETRANSMIT));
        // No SYN waited: none was retransmitted, and the listener neither overflowed nor dropped one.
        assertThat(peerAfter.get("TCPSynRetrans") - peerBefore.get("TCPSynRetrans")).as("SYN retransmissions").isZero();
        assertThat(counterAfter.get("ListenOverflows") - counterBefore.get("ListenOverflows")).as("listen overflows").isZero();
        assertThat(counterAfter.get("ListenDrops") - counterBefore.get("ListenDrops")).as("listen drops").isZero();
    }

    /** Scrapes /metrics as the scraper for {@link #SCRAPING}; each must be a 200 within {@link #ANSWER_LIMIT}. */
    private void scrapeDuring(String attack) throws Exception {
        List<Duration> took = new ArrayList<>();
        long end = System.nanoTime() + SCRAPING.toNanos();
        do {
            Http.Timed scrape;
            try {
                scrape = Http.getFrom(hosts.peer, SCRAPER, SERVER, "/metrics", SCRAPE_TIMEOUT);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("a scrape got no answer within " + SCRAPE_TIMEOUT + " during " + attack, e);
            }
            assertThat(scrape.response().status()).as("scrape during %s", attack).isEqualTo(200);
            assertThat(scrape.response().body()).contains("xdp_ipc_info{");
            took.add(scrape.took());
            assertThat(scrape.took()).as("scrape during %s; all so far %s", attack, took).isLessThan(ANSWER_LIMIT);
            Thread.sleep(200);
        } while (System.nanoTime() < end);
        report("%s: %d scrapes, slowest %.1f ms", attack, took.size(), ms(Collections.max(took)));
    }

    private Map<String, Double> scrape() throws Exception {
        try {
            return Exposition.samples(Http.getFrom(hosts.peer, SCRAPER, SERVER, "/metrics", SCRAPE_TIMEOUT).response().body());
        } catch (SocketTimeoutException e) {
            throw new AssertionError("a scrape got no answer within " + SCRAPE_TIMEOUT, e);
        }
    }

    /** Polls until {@code windows} windows have completed; returns that scrape. */
    private Map<String, Double> awaitWindows(double windows) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Double> samples = scrape();
            if (samples.getOrDefault("xdp_ipc_windows_total", 0.0) >= windows) {
                return samples;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fewer than " + windows + " windows completed within 10 s");
    }

    /** Waits until {@code count} connections to {@code client} have bytes the server could not send. */
    private void awaitStalledAnswers(String client, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> stalled;
        do {
            // Recv-Q Send-Q Local:Port Peer:Port; the server's IPv6 socket shows IPv4 peers as [::ffff:a.b.c.d]
            stalled = hosts.counter.exec(Duration.ofSeconds(5), "ss", "-tnH", "state", "established",
                    "sport", "=", ":" + SERVER.getPort()).lines().map(line -> line.trim().split("\\s+"))
                    .filter(columns -> Long.parseLong(columns[1]) > 0)
                    .map(columns -> columns[3].substring(0, columns[3].lastIndexOf(':')).replace("[", "")
                            .replace("]", "").replaceFirst("^::ffff:", ""))
                    .filter(client::equals).toList();
            if (stalled.size() == count) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("expected " + count + " stalled answers to " + client + ", saw " + stalled.size());
    }

    /** Connections of one attack, opened from the peer namespace; closing closes them all. */
    private record Attackers(List<Attacker> all) implements AutoCloseable {
        @Override
        public void close() {
            for (Attacker attacker : all) {
                attacker.close();
            }
        }
    }

    /** @param sent when the attacker's bytes were written (after connecting) */
    private record Attacker(Socket socket, long sent) {
        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }

    /**
     * {@code count} connections from the peer namespace, from {@code sources} in
     * turn, each of which writes {@code bytes} and nothing more.
     *
     * @param receiveBuffer SO_RCVBUF to set before connecting, or 0 for the default
     */
    private Attackers open(int count, List<String> sources, String bytes, int receiveBuffer) throws Exception {
        return hosts.peer.inside(() -> {
            List<Attacker> opened = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    Socket socket = new Socket();
                    opened.add(new Attacker(socket, 0));
                    if (receiveBuffer > 0) {
                        socket.setReceiveBufferSize(receiveBuffer);
                    }
                    socket.bind(new InetSocketAddress(sources.get(i % sources.size()), 0));
                    socket.connect(SERVER, 5_000);
                    long sent = System.nanoTime();
                    socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
                    opened.set(i, new Attacker(socket, sent));
                }
                return new Attackers(List.copyOf(opened));
            } catch (Exception e) {
                new Attackers(opened).close();
                throw e;
            }
        });
    }

    /** A whole GET request head, with {@code extra} header lines (CRLF-separated) when not empty. */
    private static String headers(String path, String extra) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + SERVER.getHostString() + "\r\n"
                + (extra.isEmpty() ? "" : extra + "\r\n") + "\r\n";
    }

    /** Reads until the server closes the connection; how long after the attacker's bytes that was. */
    private static Duration awaitCut(Attacker attacker) throws IOException {
        long deadline = attacker.sent() + CUT_LIMIT.toNanos();
        Socket socket = attacker.socket();
        byte[] buffer = new byte[4096];
        try {
            while (true) {
                long left = Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis());
                socket.setSoTimeout(Math.toIntExact(left));
                if (socket.getInputStream().read(buffer) < 0) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server had not cut the connection after " + CUT_LIMIT, e);
        } catch (SocketException reset) {
            // a reset is a cut too
        }
        return Duration.ofNanos(System.nanoTime() - attacker.sent());
    }

    private static String firstLine(Socket socket) throws IOException {
        socket.setSoTimeout(2_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            line.write(b);
        }
        return line.toString(StandardCharsets.ISO_8859_1).strip();
    }

    private static List<String> crowdAddresses() {
        return Stream.iterate(100, i -> i + 1).limit(CROWD_ADDRESSES).map(i -> "10.203.0." + i).toList();
    }

    /**
     * @param connect from connect() to the connection being established, or null
     * @param answer  from connect() to the end of the answer, or null
     * @param status  the answer's status, or null
     * @param failure what went wrong (reset, timeout), or null
     */
    private record Outcome(Duration connect, Duration answer, Integer status, String failure) {
    }

    /**
     * {@link #CROWD} non-blocking clients, from {@link #CROWD_ADDRESSES}
     * addresses, all connecting in one burst, then each sending GET /metrics
     * and reading the answer to its end; 10 s for all. Run inside the peer
     * namespace: the sockets are made there.
     */
    private static List<Outcome> crowd() throws IOException {
        List<String> sources = crowdAddresses();
        byte[] request = Http.request(SERVER, "/metrics");
        long[] started = new long[CROWD];
        long[] connected = new long[CROWD];
        long[] ended = new long[CROWD];
        String[] failures = new String[CROWD];
        List<ByteArrayOutputStream> answers = new ArrayList<>();
        List<SocketChannel> channels = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            try {
                for (int i = 0; i < CROWD; i++) {
                    SocketChannel channel = SocketChannel.open();
                    channels.add(channel);
                    answers.add(new ByteArrayOutputStream());
                    channel.configureBlocking(false);
                    channel.bind(new InetSocketAddress(sources.get(i % sources.size()), 0));
                }
                // Every socket exists: the SYNs now leave in one burst.
                for (int i = 0; i < CROWD; i++) {
                    started[i] = System.nanoTime();
                    // Non-blocking TCP connects are never complete on return on Linux: each waits for its SYN-ACK.
                    if (channels.get(i).connect(SERVER)) {
                        throw new IOException("a non-blocking connect completed at once");
                    }
                    channels.get(i).register(selector, SelectionKey.OP_CONNECT, i);
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                int pending = CROWD;
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                while (pending > 0 && System.nanoTime() < deadline) {
                    selector.select(Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
                    long now = System.nanoTime();
                    for (SelectionKey key : selector.selectedKeys()) {
                        int i = (Integer) key.attachment();
                        SocketChannel channel = channels.get(i);
                        try {
                            if (key.isConnectable() && channel.finishConnect()) {
                                connected[i] = now;
                                ByteBuffer out = ByteBuffer.wrap(request);
                                channel.write(out);
                                if (out.hasRemaining()) {
                                    throw new IOException("the request did not fit in an empty send buffer");
                                }
                                key.interestOps(SelectionKey.OP_READ);
                            } else if (key.isReadable()) {
                                buffer.clear();
                                int read = channel.read(buffer);
                                if (read < 0) {
                                    ended[i] = now;
                                    key.cancel();
                                    pending--;
                                } else {
                                    answers.get(i).write(buffer.array(), 0, read);
                                }
                            }
                        } catch (IOException e) {
                            failures[i] = e.toString();
                            key.cancel();
                            pending--;
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } finally {
                for (SocketChannel channel : channels) {
                    channel.close();
                }
            }
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < CROWD; i++) {
            Duration connect = connected[i] == 0 ? null : Duration.ofNanos(connected[i] - started[i]);
            Duration answer = ended[i] == 0 ? null : Duration.ofNanos(ended[i] - started[i]);
            String failure = failures[i] != null ? failures[i]
                    : connected[i] == 0 ? "not connected within 10 s" : ended[i] == 0 ? "no whole answer within 10 s" : null;
            Integer status = failure == null ? Http.parse(answers.get(i).toByteArray()).status() : null;
            outcomes.add(new Outcome(connect, answer, status, failure));
        }
        return outcomes;
    }

    /** The kernel's TcpExt counters of the namespace (per namespace: nobody else's traffic). */
    private static Map<String, Long> tcpExt(NetworkNamespace ns) {
        List<String> lines = ns.exec(Duration.ofSeconds(5), "cat", "/proc/net/netstat").lines()
                .filter(line -> line.startsWith("TcpExt:")).toList();
        String[] names = lines.get(0).split("\\s+");
        String[] values = lines.get(1).split("\\s+");
        Map<String, Long> counters = new HashMap<>();
        for (int i = 1; i < names.length; i++) {
            counters.put(names[i], Long.parseLong(values[i]));
        }
        return counters;
    }

    /** min, median, 90th and 99th percentiles, max, in ms. */
    private static String distribution(List<Duration> sorted) {
        if (sorted.isEmpty()) {
            return "none";
        }
        return "min %.1f ms, median %.1f, p90 %.1f, p99 %.1f, max %.1f".formatted(ms(sorted.getFirst()),
                ms(sorted.get(sorted.size() / 2)), ms(sorted.get(sorted.size() * 90 / 100)),
                ms(sorted.get(sorted.size() * 99 / 100)), ms(sorted.getLast()));
    }

    private static double ms(Duration duration) {
        return duration.toNanos() / 1e6;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    /** The figures this class measures, on the test's output. */
    private static void report(String format, Object... args) {
        System.out.println("HostileClientsIT: " + format.formatted(args));
    }
}
