package io.github.xdpipcounter.samples.embedding;

import java.io.File;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * xdp-exporter and micrometer-registry-prometheus bring prometheus-metrics
 * artifacts of different versions; with the client's BOM imported (this
 * project's POM, as the README says) every one of them resolves to one
 * version. A mix fails at run time.
 */
class DependencyAlignmentTest {
    private static final Pattern PROMETHEUS_JAR = Pattern.compile("(prometheus-metrics-[a-z-]+?)-(\\d[^/]*)\\.jar$");

    @Test
    void everyPrometheusMetricsArtifactHasOneVersion() {
        Map<String, String> versions = new TreeMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Matcher m = PROMETHEUS_JAR.matcher(entry);
            if (m.find()) {
                versions.put(m.group(1), m.group(2));
            }
        }
        assertThat(versions).containsKeys("prometheus-metrics-core", "prometheus-metrics-model",
                "prometheus-metrics-exposition-formats", "prometheus-metrics-exporter-httpserver");
        assertThat(versions.values()).as("versions of %s", versions).containsOnly("1.10.0");
    }
}
