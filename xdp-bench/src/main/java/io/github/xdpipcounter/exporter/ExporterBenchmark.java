package io.github.xdpipcounter.exporter;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.TestRunWindows;
import io.github.xdpipcounter.core.Version;
import io.github.xdpipcounter.core.Window;
import io.github.xdpipcounter.core.bpf.SystemLibbpf;


/**
 * What serving costs with big windows: /metrics scrape latency and /list
 * time and extra heap, for windows of N distinct IPv4 sources filled by the
 * XDP program itself through BPF_PROG_TEST_RUN (no mock), served over real
 * HTTP on loopback. Baselines in the same run: a /-/healthy round trip for
 * scrapes, and decoding every source without JSON or HTTP for /list.
 * Run by scripts/bench-exporter (root), which fixes the young generation so
 * that "extra heap" cannot hide in an unbounded eden.
 */
public final class ExporterBenchmark {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int SCRAPES = 300;

    private ExporterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // Served as the command serves it: the JDK server's limits and TCP_NODELAY (without which a
        // gzipped scrape waits ~40 ms for a delayed ACK).
        JdkHttpServerSettings.applyDefaults();
        int[] sizes = args.length > 0 ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {100_000, 1_000_000};
        String ports = args.length > 1 ? args[1] : "1-1024";
        PortSelection selection = PortSelection.parse(ports);
        // Sources go to the selected ports, or to ports 1-1024 when every port is counted.
        int[] portList = (selection.isAll() ? PortSelection.parse("1-1024") : selection).explicitPorts().toArray();
        int max = Arrays.stream(sizes).max().orElseThrow();
        System.out.printf("exporter benchmark: --ports %s; windows of %s IPv4 sources spread over %d ports%n",
                ports, Arrays.toString(sizes), portList.length);
        try (TestRunWindows program = TestRunWindows.load(max + max / 4, selection);
             Exporter exporter = Exporter.bind(new ExporterConfig(InetAddress.getLoopbackAddress(), 0, true))) {
            AtomicReference<Window> latest = new AtomicReference<>();
            CounterInfo info = new CounterInfo(Version.current(), SystemLibbpf.version(), List.of("bench0"), "skb",
                    selection, Duration.ofSeconds(60), max + max / 4);
            WindowMetrics metrics = exporter.publish(info, () -> Optional.ofNullable(latest.get()));
            String base = "http://127.0.0.1:" + exporter.port();

            Stats healthy = scrape(base + "/-/healthy", false);
            System.out.printf("baseline  /-/healthy round trip: median %.2f ms, p99 %.2f ms%n", healthy.median(), healthy.p99());
            for (int n : sizes) {
                Window window = program.fill(n, portList);
                latest.set(window);
                metrics.windowCompleted(window);
                for (boolean gzip : new boolean[] {false, true}) {
                    Stats scrape = scrape(base + "/metrics", gzip);
                    System.out.printf("%,9d sources  /metrics%s (%,d bytes): median %.2f ms, p99 %.2f ms"
                                    + " = %.1fx the /-/healthy round trip (target < 10 ms)%n",
                            n, gzip ? " gzip" : "", scrape.bytes(), scrape.median(), scrape.p99(), scrape.median() / healthy.median());
                }
                serveList(base + "/list", window, n);
            }
        }
    }

    private record Stats(double median, double p99, long bytes) {
    }

    /** Like Prometheus, which asks for gzip, when {@code gzip}; the client does not decompress. */
    private static Stats scrape(String url, boolean gzip) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url));
        HttpRequest request = (gzip ? builder.header("Accept-Encoding", "gzip") : builder).build();
        long bytes = 0;
        for (int i = 0; i < 50; i++) { // warm-up
            bytes = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray()).body().length;
        }
        double[] ms = new double[SCRAPES];
        for (int i = 0; i < SCRAPES; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + ": HTTP " + response.statusCode());
            }
        }
        Arrays.sort(ms);
        return new Stats(ms[SCRAPES / 2], ms[SCRAPES * 99 / 100], bytes);
    }

    private static void serveList(String url, Window window, int n) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
        // Baseline: decoding every source (what /list must do anyway), without JSON or HTTP.
        long decodeBest = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            long[] sum = {0};
            window.forEachSource(s -> sum[0] += s.packets() + s.address().hashCode());
            decodeBest = Math.min(decodeBest, System.nanoTime() - t0);
        }
        long best = Long.MAX_VALUE;
        long worstExtra = 0;
        long bytes = 0;
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(200);
            long baseline = memory.getHeapMemoryUsage().getUsed();
            AtomicLong peak = new AtomicLong(baseline);
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long t0 = System.nanoTime();
            try (InputStream body = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream()).body()) {
                bytes = body.transferTo(OutputStream.nullOutputStream());
            }
            long elapsed = System.nanoTime() - t0;
            sampler.interrupt();
            sampler.join();
            best = Math.min(best, elapsed);
            worstExtra = Math.max(worstExtra, peak.get() - baseline);
        }
        long objects = countObjects(url);
        if (objects != n) {
            throw new IllegalStateException("/list gave " + objects + " sources, expected " + n);
        }
        System.out.printf("%,9d sources  /list (%,d MB of JSON, %,d objects checked): best %.0f ms (target for 1M < 2000 ms),"
                        + " %.1fx decoding alone (%.0f ms); extra heap at most %.1f MiB (target < 64 MiB)%n",
                n, bytes / 1_000_000, objects, best / 1e6, (double) best / decodeBest, decodeBest / 1e6,
                worstExtra / (1024.0 * 1024.0));
    }

    /** Parses the served array with Jackson's streaming parser: the count of objects. */
    private static long countObjects(String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
        long count = 0;
        try (InputStream body = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream()).body();
             JsonParser parser = new JsonFactory().createParser(body)) {
            for (JsonToken t; (t = parser.nextToken()) != null; ) {
                if (t == JsonToken.START_OBJECT) {
                    count++;
                }
            }
        }
        return count;
    }
}
