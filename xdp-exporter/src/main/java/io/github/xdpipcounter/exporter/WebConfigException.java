package io.github.xdpipcounter.exporter;

import java.nio.file.Path;

/**
 * A web config file that cannot be served: one line naming the file, the
 * field when there is one, and what is wrong, e.g.
 * {@code web config /etc/x.yml: tls_server_config.key_file: no such file /etc/key.pem}.
 */
public final class WebConfigException extends Exception {
    /** The file this is about. */
    private final Path file;

    WebConfigException(Path file, String field, String problem) {
        super("web config " + file + ": " + (field == null ? "" : field + ": ") + problem);
        this.file = file;
    }

    WebConfigException(Path file, String problem) {
        this(file, null, problem);
    }

    /**
     * The web config file this is about.
     *
     * @return the file
     */
    public Path file() {
        return file;
    }
}
