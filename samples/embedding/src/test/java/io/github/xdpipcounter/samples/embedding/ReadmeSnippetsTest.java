package io.github.xdpipcounter.samples.embedding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Embedding" snippets are this sample's code, word for word:
 * each {@code <!-- snippet: NAME -->} in README.md is followed by a Java
 * block equal to the region {@code // tag::NAME[]} .. {@code // end::NAME[]}
 * of a source here (indentation aside), so the README cannot show code that
 * does not compile or that the tests do not run.
 */
class ReadmeSnippetsTest {
    private static final Path README = Path.of("../../README.md");
    private static final Path SOURCES = Path.of("src/main/java/io/github/xdpipcounter/samples/embedding");
    private static final Pattern MARKER = Pattern.compile("<!-- snippet: ([a-z-]+) -->\\n```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern REGION = Pattern.compile("// tag::([a-z-]+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]", Pattern.DOTALL);

    @Test
    void everySnippetOfTheReadmeIsTheSampleCode() throws IOException {
        Map<String, String> regions = new LinkedHashMap<>();
        try (var files = Files.list(SOURCES)) {
            for (Path file : files.sorted().toList()) {
                Matcher m = REGION.matcher(Files.readString(file));
                while (m.find()) {
                    regions.put(m.group(1), dedent(m.group(2)));
                }
            }
        }
        Map<String, String> snippets = new LinkedHashMap<>();
        Matcher m = MARKER.matcher(Files.readString(README));
        while (m.find()) {
            snippets.put(m.group(1), dedent(m.group(2)));
        }
        assertThat(regions.keySet()).containsExactlyInAnyOrder("core-listener", "own-registry", "own-http-server",
                "micrometer", "whole-exporter");
        assertThat(snippets).as("README.md snippets, by name").isEqualTo(regions);
    }

    /** The lines without the indentation they all share, and without trailing blank lines. */
    private static String dedent(String text) {
        List<String> lines = new ArrayList<>(text.stripTrailing().lines().toList());
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        lines.replaceAll(l -> l.isBlank() ? "" : l.substring(indent));
        return String.join("\n", lines);
    }
}
