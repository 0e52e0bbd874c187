package io.github.xdpipcounter.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.xdpipcounter.testing.NetworkNamespace;

/** Plain HTTP GETs made from inside a test namespace (where the tool and Prometheus listen). */
final class Http {
    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> name.equalsIgnoreCase(e.getKey())).map(e -> e.getValue().getFirst())
                    .findFirst().orElse(null);
        }
    }

    /** A response and how long it took, from before connecting to its last byte. */
    record Timed(Response response, Duration took) {
    }

    private Http() {
    }

    static Response get(NetworkNamespace ns, String url) throws Exception {
        return ns.inside(() -> get(url));
    }

    /** One connection per request, closed after: a kept-alive one could belong to another namespace. */
    private static Response get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestProperty("Connection", "close");
        c.setConnectTimeout(5_000);
        c.setReadTimeout(10_000);
        try {
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Response(status, c.getHeaderFields(), body);
        } finally {
            c.disconnect();
        }
    }

    /**
     * GET {@code path} from inside {@code ns} over a socket bound to
     * {@code source}: the client address is chosen (the exporter bounds
     * requests per client address), which HttpURLConnection cannot do.
     * HTTP/1.1 with Connection: close, read to the end; fails when the
     * connection or any read takes longer than {@code limit}.
     */
    static Timed getFrom(NetworkNamespace ns, String source, InetSocketAddress server, String path, Duration limit)
            throws Exception {
        return ns.inside(() -> {
            int millis = Math.toIntExact(limit.toMillis());
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(source, 0));
                long start = System.nanoTime();
                socket.connect(server, millis);
                socket.setSoTimeout(millis);
                OutputStream out = socket.getOutputStream();
                out.write(request(server, path));
                out.flush();
                byte[] answer = socket.getInputStream().readAllBytes();
                return new Timed(parse(answer), Duration.ofNanos(System.nanoTime() - start));
            }
        });
    }

    /** The bytes of a GET that asks the server to close the connection after its answer. */
    static byte[] request(InetSocketAddress server, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort()
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A whole HTTP/1.1 answer as read until the server closed: status line, headers, body (de-chunked). */
    static Response parse(byte[] answer) {
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            throw new IllegalArgumentException("not a whole HTTP/1.1 answer: " + text.substring(0, Math.min(200, text.length())));
        }
        List<String> head = text.substring(0, end).lines().toList();
        int status = Integer.parseInt(head.getFirst().substring(9, 12));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim(), name -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
        byte[] body = Arrays.copyOfRange(answer, end + 4, answer.length);
        Response raw = new Response(status, headers, "");
        if ("chunked".equalsIgnoreCase(raw.header("Transfer-Encoding"))) {
            body = dechunk(body);
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = indexOfCrLf(chunked, at);
            String size = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int length = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
            at = lineEnd + 2;
            if (length == 0) {
                return out.toByteArray();
            }
            out.write(chunked, at, length);
            at += length + 2;
        }
    }

    private static int indexOfCrLf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        throw new IllegalArgumentException("truncated chunked body");
    }
}
