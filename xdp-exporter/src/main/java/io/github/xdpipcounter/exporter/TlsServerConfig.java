package io.github.xdpipcounter.exporter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code tls_server_config} of a web config file, validated as text:
 * the files it names are absolute (relative ones resolved against the
 * config file's directory) but not yet read.
 */
record TlsServerConfig(Path certFile, Path keyFile, ClientAuthType clientAuth, Optional<Path> clientCaFile,
                       TlsVersion minVersion, TlsVersion maxVersion) {

    /** The files whose content makes the TLS side: certificate chain, key, client CAs. */
    List<Path> files() {
        List<Path> files = new ArrayList<>(List.of(certFile, keyFile));
        clientCaFile.ifPresent(files::add);
        return files;
    }
}
