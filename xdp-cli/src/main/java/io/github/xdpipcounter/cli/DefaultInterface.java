package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The default for --iface, as the peer tool chose it: the interface of the
 * IPv4 default route, else of the IPv6 default route, else {@code eth0}.
 */
final class DefaultInterface {
    static final String FALLBACK = "eth0";
    /** Where the help text (Help.properties, iface) finds the default ({@code ${sys:...}}). */
    static final String PROPERTY = "xdp-ip-counter.default-iface";

    private DefaultInterface() {
    }

    /** The default, looked up once and kept for the help text. */
    static String remembered() {
        String name = System.getProperty(PROPERTY);
        if (name == null) {
            name = name();
            System.setProperty(PROPERTY, name);
        }
        return name;
    }

    static String name() {
        return ofIpv4Route(read(Path.of("/proc/net/route")))
                .or(() -> ofIpv6Route(read(Path.of("/proc/net/ipv6_route"))))
                .orElse(FALLBACK);
    }

    /** /proc/net/route: "Iface Destination Gateway Flags ..." with destination and mask 0 for the default. */
    static Optional<String> ofIpv4Route(List<String> lines) {
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[1].equals("00000000") && f[7].equals("00000000") && (Integer.parseInt(f[3], 16) & 1) != 0) {
                return Optional.of(f[0]);
            }
        }
        return Optional.empty();
    }

    /** /proc/net/ipv6_route: destination, prefix length ... interface last; ::/0 is the default. */
    static Optional<String> ofIpv6Route(List<String> lines) {
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 10 && f[0].equals("00000000000000000000000000000000") && f[1].equals("00")
                    && !f[9].equals("lo")) {
                return Optional.of(f[9]);
            }
        }
        return Optional.empty();
    }

    private static List<String> read(Path path) {
        try {
            return Files.readAllLines(path);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
