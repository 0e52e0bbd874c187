package io.github.xdpipcounter.samples.embedding;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import io.github.xdpipcounter.core.IpCounter;

/**
 * Runs one way in on one interface until its standard input closes:
 * {@code Main core-listener|own-registry|own-http-server|micrometer|whole-exporter IFACE [WINDOW_SECONDS]}.
 * Needs root, or CAP_BPF + CAP_NET_ADMIN + CAP_PERFMON, and native access
 * for xdp-core ({@code --enable-native-access=io.github.xdpipcounter.core}
 * on the module path, {@code ALL-UNNAMED} on the class path).
 */
public final class Main {
    /** A way in: counts on {@code iface} in windows of {@code window} until {@code stop}. */
    @FunctionalInterface
    interface WayIn {
        void run(String iface, Duration window, CountDownLatch stop) throws Exception;
    }

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: Main core-listener|own-registry|own-http-server|micrometer|whole-exporter IFACE [WINDOW_SECONDS]");
            System.exit(2);
        }
        WayIn way = switch (args[0]) {
            case "core-listener" -> CoreListener::run;
            case "own-registry" -> OwnRegistry::run;
            case "own-http-server" -> OwnHttpServer::run;
            case "micrometer" -> MicrometerBinding::run;
            case "whole-exporter" -> WholeExporter::run;
            default -> {
                System.err.println("unknown way in '" + args[0] + "'");
                System.exit(2);
                yield null;
            }
        };
        Duration window = Duration.ofSeconds(args.length == 3 ? Long.parseLong(args[2]) : 60);
        // Which way the library was loaded: "module io.github.xdpipcounter.core" on the module path.
        System.err.println("xdp-core: " + IpCounter.class.getModule());
        CountDownLatch stop = new CountDownLatch(1);
        Thread.ofPlatform().daemon().name("stdin").start(() -> {
            try {
                System.in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // closed either way: stop
            }
            stop.countDown();
        });
        way.run(args[1], window, stop);
        System.out.println("stopped");
    }
}
