package io.github.xdpipcounter.exporter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.xdpipcounter.core.AddressText;
import io.github.xdpipcounter.core.Source;
import io.github.xdpipcounter.core.Window;

/**
 * Writes a window's sources as the JSON array of /list, one object at a
 * time through Jackson's streaming generator: memory stays constant however
 * many sources the window holds.
 *
 * <pre>{"ip":"2001:db8::1","network":"IPv6","transport":"TCP","port":22,"packets":3,"bytes":222,
 *  "first_seen":"2026-11-27T08:00:01.100Z","last_seen":"2026-11-27T08:00:04.300Z"}</pre>
 */
final class SourceJsonWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SourceJsonWriter() {
    }

    /** Writes the sources of {@code window} (none when null) that match {@code query}; returns how many. */
    static long write(Window window, ListQuery query, OutputStream out) throws IOException {
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartArray();
            long written = 0;
            if (window != null) {
                // An index loop rather than forEachSource, so that a limit stops the walk early.
                List<Source> sources = window.sources();
                for (int i = 0, n = sources.size(); i < n && written < query.limit(); i++) {
                    Source source = sources.get(i);
                    if (query.matches(source)) {
                        writeSource(json, source);
                        written++;
                    }
                }
            }
            json.writeEndArray();
            return written;
        }
    }

    private static void writeSource(JsonGenerator json, Source source) throws IOException {
        json.writeStartObject();
        json.writeStringField("ip", AddressText.of(source.address()));
        json.writeStringField("network", source.network().label());
        json.writeStringField("transport", source.transport().label());
        json.writeNumberField("port", source.port());
        json.writeNumberField("packets", source.packets());
        json.writeNumberField("bytes", source.bytes());
        json.writeStringField("first_seen", rfc3339(source.firstSeen()));
        json.writeStringField("last_seen", rfc3339(source.lastSeen()));
        json.writeEndObject();
    }

    /** RFC 3339 in UTC, to the millisecond (times are tick-precise anyway). */
    static String rfc3339(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** {"error": message}: the body of every /list error. */
    static byte[] error(String message) {
        try {
            return MAPPER.writeValueAsBytes(Map.of("error", message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
