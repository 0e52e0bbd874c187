package io.github.xdpipcounter.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of xdp-ip-counter, the commit it was built from and when, as Maven built it. */
public final class Version {
    private static final Properties BUILD = load();

    private Version() {
    }

    /**
     * For example "0.1.0" or "0.1.0-SNAPSHOT".
     *
     * @return the version
     */
    public static String current() {
        return property("version");
    }

    /**
     * The abbreviated commit id the build was made from, with "-dirty" when the
     * work tree had changes; "unknown" for a build outside a git checkout.
     *
     * @return the abbreviated commit id the build was made from, with "-dirty" when the work tree had changes
     */
    public static String commit() {
        return property("commit");
    }

    /**
     * When it was built: RFC 3339, UTC, e.g. "2026-11-27T18:04:22Z".
     *
     * @return when it was built
     */
    public static String buildTime() {
        return property("built");
    }

    private static String property(String name) {
        String value = BUILD.getProperty(name, "");
        // An unfiltered placeholder means the build did not provide it (an IDE's copy of the resource).
        return value.isEmpty() || value.startsWith("${") ? "unknown" : value;
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read version.properties", e);
        }
    }
}
