package io.github.xdpipcounter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the built jars carry besides behaviour: the licence texts of everything
 * xdp-ip-counter.jar bundles, and class files of the Java baseline only.
 */
class RunnableJarContentsIT {
    /** Java 25: the release every class of ours is compiled for, and the newest a bundled class may need. */
    private static final int BASELINE_MAJOR = 69;
    private static final Path LICENSE = Path.of("..", "LICENSE");
    private static final List<String> LIBRARY_MODULES = List.of("bpf", "xdp-core", "xdp-exporter");
    /**
     * Where the classes of each bundled third party live, and its group. A new
     * bundled library fails {@link #everyBundledLibraryIsKnown}: check its licence,
     * then add it here.
     */
    private static final Map<String, String> BUNDLED_PACKAGES = Map.of(
            "com/fasterxml", "com.fasterxml.jackson",
            "org/yaml", "org.yaml",
            "io/prometheus", "io.prometheus",
            "picocli", "info.picocli",
            "org/springframework", "org.springframework.security",
            "org/apache/datasketches", "org.apache.datasketches");
    private static final Pattern THIRD_PARTY_LINE = Pattern.compile("^\\s+\\((.+?)\\) .* \\(([^:]+):([^:]+):.*$");

    @Test
    void everyBundledLibraryIsKnown() throws IOException {
        Set<String> roots = new TreeSet<>();
        try (JarFile jar = new JarFile(ToolProcess.JAR.toFile())) {
            for (String name : classNames(jar)) {
                if (!name.startsWith("io/github/xdpipcounter/") && !name.startsWith("META-INF/")) {
                    roots.add(BUNDLED_PACKAGES.keySet().stream().filter(name::startsWith).findFirst().orElse(name));
                }
            }
        }
        assertThat(roots).containsExactlyInAnyOrderElementsOf(BUNDLED_PACKAGES.keySet());
    }

    @Test
    void everyBundledArtifactIsListedWithItsLicenceWhoseTextIsInTheJar() throws IOException {
        try (JarFile jar = new JarFile(ToolProcess.JAR.toFile())) {
            Map<String, String> licenceByArtifact = thirdParty(jar);
            Set<String> bundledGroups = new TreeSet<>(BUNDLED_PACKAGES.values());
            for (String group : bundledGroups) {
                assertThat(licenceByArtifact.keySet()).as("THIRD-PARTY.txt names " + group)
                        .anyMatch(artifact -> artifact.startsWith(group));
            }
            for (String artifact : artifactsWithPomProperties(jar)) {
                assertThat(licenceByArtifact).as("THIRD-PARTY.txt names every artifact with META-INF/maven")
                        .containsKey(artifact);
            }
            // Only Apache-2.0 so far: a bundled artifact under another licence must bring its text.
            assertThat(licenceByArtifact.values()).as("licences of the bundled artifacts").containsOnly("Apache-2.0");
            assertThat(text(jar, "META-INF/LICENSE")).isEqualTo(Files.readString(LICENSE))
                    .contains("Apache License", "Version 2.0, January 2004");
            // jackson-core bundles code under MIT: those texts keep their own names.
            assertThat(text(jar, "META-INF/FastDoubleParser-LICENSE")).contains("MIT License");
            assertThat(text(jar, "META-INF/FastDoubleParser-ThirdParty-LICENSE")).isNotBlank();
            assertThat(text(jar, "META-INF/Schubfach-LICENSE")).contains("Permission is hereby granted");
            assertThat(text(jar, "META-INF/NOTICE")).contains("Jackson", "Prometheus")
                    .doesNotContain("Copyright 2006-");
        }
    }

    @Test
    void everyClassOfOursIsJava25AndNoBundledClassNeedsANewerJava() throws IOException {
        List<Path> jars = new ArrayList<>(List.of(ToolProcess.JAR));
        for (String module : LIBRARY_MODULES) {
            try (Stream<Path> built = Files.list(Path.of("..", module, "target"))) {
                built.filter(p -> p.toString().endsWith(".jar"))
                        .filter(p -> !p.getFileName().toString().matches(".*-(tests|sources|javadoc)\\.jar"))
                        .forEach(jars::add);
            }
        }
        assertThat(jars).hasSize(1 + LIBRARY_MODULES.size());
        for (Path path : jars) {
            try (JarFile jar = new JarFile(path.toFile())) {
                for (String name : classNames(jar)) {
                    int major = majorVersion(jar, name);
                    if (name.startsWith("io/github/xdpipcounter/")) {
                        assertThat(major).as(path + "!" + name).isEqualTo(BASELINE_MAJOR);
                    } else {
                        assertThat(major).as(path + "!" + name).isLessThanOrEqualTo(BASELINE_MAJOR);
                    }
                }
            }
        }
    }

    private static List<String> classNames(JarFile jar) {
        return jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")).toList();
    }

    private static int majorVersion(JarFile jar, String name) throws IOException {
        try (DataInputStream in = new DataInputStream(jar.getInputStream(jar.getEntry(name)))) {
            assertThat(in.readInt()).as(name + " magic").isEqualTo(0xCAFEBABE);
            in.readUnsignedShort();
            return in.readUnsignedShort();
        }
    }

    /** group:artifact -> licence, from META-INF/THIRD-PARTY.txt (license-maven-plugin's format). */
    private static Map<String, String> thirdParty(JarFile jar) throws IOException {
        Map<String, String> licences = new TreeMap<>();
        for (String line : text(jar, "META-INF/THIRD-PARTY.txt").lines().toList()) {
            Matcher m = THIRD_PARTY_LINE.matcher(line);
            if (m.matches()) {
                licences.put(m.group(2) + ":" + m.group(3), m.group(1));
            }
        }
        assertThat(licences).as("META-INF/THIRD-PARTY.txt entries").isNotEmpty();
        return licences;
    }

    private static Set<String> artifactsWithPomProperties(JarFile jar) {
        Set<String> artifacts = new TreeSet<>();
        jar.stream().map(JarEntry::getName)
                .filter(n -> n.startsWith("META-INF/maven/") && n.endsWith("/pom.properties"))
                .map(n -> n.split("/"))
                .filter(parts -> !parts[2].equals("io.github.xdpipcounter"))
                .forEach(parts -> artifacts.add(parts[2] + ":" + parts[3]));
        assertThat(artifacts).as("bundled artifacts with META-INF/maven").isNotEmpty();
        return artifacts;
    }

    private static String text(JarFile jar, String name) throws IOException {
        JarEntry entry = jar.getJarEntry(name);
        assertThat(entry).as(name + " in " + jar.getName()).isNotNull();
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
