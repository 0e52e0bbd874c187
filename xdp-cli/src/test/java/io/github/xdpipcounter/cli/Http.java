package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.github.xdpipcounter.core.testing.NetworkNamespace;

/** Plain HTTP GETs made from inside a test namespace (where the tool and Prometheus listen). */
final class Http {
    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> name.equalsIgnoreCase(e.getKey())).map(e -> e.getValue().getFirst())
                    .findFirst().orElse(null);
        }
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
}
