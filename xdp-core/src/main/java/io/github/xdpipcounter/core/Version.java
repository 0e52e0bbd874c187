package io.github.xdpipcounter.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of xdp-ip-counter, as Maven built it. */
public final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    /**
     * For example "0.1.0" or "0.1.0-SNAPSHOT".
     *
     * @return the version
     */
    public static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read version.properties", e);
        }
    }
}
