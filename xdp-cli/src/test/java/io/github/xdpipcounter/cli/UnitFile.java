package io.github.xdpipcounter.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of one section of a systemd unit file, or the assignments of
 * an EnvironmentFile: NAME=value lines, comments and blank lines skipped,
 * one level of quotes removed. Enough for the files this project ships.
 */
final class UnitFile {
    private UnitFile() {
    }

    /** The [Service] section's settings; a setting given twice keeps its last value. */
    static Map<String, String> settings(String unit) {
        return section(unit, "Service");
    }

    static Map<String, String> section(String unit, String name) {
        Map<String, String> settings = new LinkedHashMap<>();
        String current = null;
        for (String raw : unit.lines().toList()) {
            String line = raw.strip();
            if (line.startsWith("[") && line.endsWith("]")) {
                current = line.substring(1, line.length() - 1);
            } else if (name.equals(current)) {
                assignment(line, settings);
            }
        }
        return settings;
    }

    /** NAME=value assignments of an EnvironmentFile (as /etc/default/xdp-ip-counter). */
    static Map<String, String> environment(String file) {
        Map<String, String> values = new LinkedHashMap<>();
        file.lines().map(String::strip).forEach(line -> assignment(line, values));
        return values;
    }

    private static void assignment(String line, Map<String, String> into) {
        int equals = line.indexOf('=');
        if (line.isEmpty() || line.startsWith("#") || line.startsWith(";") || equals < 1) {
            return;
        }
        String value = line.substring(equals + 1).strip();
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            value = value.substring(1, value.length() - 1);
        }
        into.put(line.substring(0, equals).strip(), value);
    }
}
