package io.github.xdpipcounter.exporter;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A web config file in exporter-toolkit's format, read and checked as text
 * (the certificate and key files it names are read by {@link TlsMaterial}).
 *
 * <p>Strict like exporter-toolkit: an unknown field is an error, and so is a
 * toolkit field this server does not implement, rather than a setting
 * silently ignored.
 *
 * @param tls present when any TLS field is set (exporter-toolkit's rule)
 */
record WebConfig(Optional<TlsServerConfig> tls, BasicAuthUsers users) {
    private static final YAMLMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private static final String TLS = "tls_server_config";
    private static final String USERS = "basic_auth_users";
    private static final List<String> TOP_FIELDS = List.of(TLS, USERS);
    private static final List<String> TLS_FIELDS = List.of(
            "cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version", "max_version");
    /** exporter-toolkit fields we do not implement, and what to do instead. */
    private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
            Map.entry("http_server_config", "not supported here (HTTP/2 and extra headers); remove it"),
            Map.entry("rate_limit", "not supported here; remove it"),
            Map.entry(TLS + ".cert", "inline certificates are not supported here; put the PEM in a file and name it in cert_file"),
            Map.entry(TLS + ".key", "inline keys are not supported here; put the PEM in a file and name it in key_file"),
            Map.entry(TLS + ".client_ca", "inline CAs are not supported here; put the PEM in a file and name it in client_ca_file"),
            Map.entry(TLS + ".client_allowed_sans", "not supported here; remove it"),
            Map.entry(TLS + ".cipher_suites", "not supported here (the JDK's defaults are used); remove it"),
            Map.entry(TLS + ".curve_preferences", "not supported here (the JDK's defaults are used); remove it"),
            Map.entry(TLS + ".prefer_server_cipher_suites", "not supported here; remove it"));

    static final WebConfig NONE = new WebConfig(Optional.empty(), BasicAuthUsers.NONE);

    /** Reads and checks {@code file}; its relative paths are taken relative to its directory. */
    static WebConfig read(Path file) throws WebConfigException {
        return new Reader(file).read();
    }

    private record Reader(Path file) {
        WebConfig read() throws WebConfigException {
            JsonNode root = parse(readBytes());
            if (root == null || root.isMissingNode() || root.isNull()) {
                return NONE; // an empty file, as in exporter-toolkit: plain HTTP, no users
            }
            if (!root.isObject()) {
                throw new WebConfigException(file, "expected a mapping with " + TLS + " and/or " + USERS + ", found " + kind(root));
            }
            checkFieldNames(root, null, TOP_FIELDS);
            return new WebConfig(tls(root.get(TLS)), users(root.get(USERS)));
        }

        private byte[] readBytes() throws WebConfigException {
            try {
                return Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new WebConfigException(file, "no such file");
            } catch (AccessDeniedException e) {
                throw new WebConfigException(file, "permission denied");
            } catch (IOException e) {
                throw new WebConfigException(file, "cannot read: " + e.getMessage());
            }
        }

        private JsonNode parse(byte[] bytes) throws WebConfigException {
            try {
                return YAML.readTree(bytes);
            } catch (JacksonException e) {
                // SnakeYAML's own exception says where the problem is; Jackson's location is where parsing stopped.
                if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
                    throw new WebConfigException(file, "not valid YAML at line " + (yaml.getProblemMark().getLine() + 1)
                            + ", column " + (yaml.getProblemMark().getColumn() + 1) + ": " + firstLine(yaml.getProblem()));
                }
                JsonLocation where = e.getLocation();
                String at = where == null || where.getLineNr() < 1 ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
                throw new WebConfigException(file, "not valid YAML" + at + ": " + firstLine(e.getOriginalMessage()));
            } catch (IOException e) {
                throw new WebConfigException(file, "cannot read: " + e.getMessage());
            }
        }

        private Optional<TlsServerConfig> tls(JsonNode tls) throws WebConfigException {
            if (tls == null || tls.isNull()) {
                return Optional.empty();
            }
            if (!tls.isObject()) {
                throw new WebConfigException(file, TLS, "expected a mapping, found " + kind(tls));
            }
            checkFieldNames(tls, TLS, TLS_FIELDS);
            Optional<String> cert = text(tls, "cert_file");
            Optional<String> key = text(tls, "key_file");
            Optional<String> clientAuthName = text(tls, "client_auth_type");
            Optional<String> clientCa = text(tls, "client_ca_file");
            TlsVersion min = version(tls, "min_version", TlsVersion.TLS12);
            TlsVersion max = version(tls, "max_version", TlsVersion.TLS13);
            if (cert.isEmpty() && key.isEmpty() && clientAuthName.isEmpty() && clientCa.isEmpty()) {
                return Optional.empty(); // exporter-toolkit: TLS is on when any of these is set
            }
            if (cert.isEmpty()) {
                throw new WebConfigException(file, TLS + ".cert_file", "missing (TLS needs cert_file and key_file)");
            }
            if (key.isEmpty()) {
                throw new WebConfigException(file, TLS + ".key_file", "missing (TLS needs cert_file and key_file)");
            }
            ClientAuthType clientAuth = ClientAuthType.NoClientCert;
            if (clientAuthName.isPresent()) {
                clientAuth = ClientAuthType.named(clientAuthName.get()).orElseThrow(() -> new WebConfigException(file,
                        TLS + ".client_auth_type", "unknown value '" + clientAuthName.get() + "' (one of " + ClientAuthType.names() + ")"));
            }
            if (clientAuth.verifies() && clientCa.isEmpty()) {
                throw new WebConfigException(file, TLS + ".client_ca_file",
                        "missing: client_auth_type " + clientAuth + " verifies client certificates against it");
            }
            if (clientAuth == ClientAuthType.NoClientCert && clientCa.isPresent()) {
                throw new WebConfigException(file, TLS + ".client_ca_file",
                        "set, but client_auth_type is NoClientCert (RequireAndVerifyClientCert verifies client certificates against it)");
            }
            if (max.compareTo(min) < 0) {
                throw new WebConfigException(file, TLS + ".max_version", max + " is below min_version " + min);
            }
            return Optional.of(new TlsServerConfig(resolve(cert.get()), resolve(key.get()), clientAuth,
                    clientCa.map(this::resolve), min, max));
        }

        private BasicAuthUsers users(JsonNode users) throws WebConfigException {
            if (users == null || users.isNull()) {
                return BasicAuthUsers.NONE;
            }
            if (!users.isObject()) {
                throw new WebConfigException(file, USERS, "expected a mapping of user name to bcrypt hash, found " + kind(users));
            }
            Map<String, String> hashByUser = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> user : users.properties()) {
                String field = USERS + "." + user.getKey();
                if (user.getKey().indexOf(':') >= 0) {
                    throw new WebConfigException(file, field, "a user name cannot contain ':' (basic authentication separates it from the password with ':')");
                }
                if (!user.getValue().isTextual()) {
                    throw new WebConfigException(file, field, "expected a bcrypt hash, found " + kind(user.getValue()));
                }
                String hash = user.getValue().textValue();
                try {
                    BasicAuthUsers.cost(hash);
                } catch (IllegalArgumentException e) {
                    throw new WebConfigException(file, field, e.getMessage());
                }
                hashByUser.put(user.getKey(), hash);
            }
            return BasicAuthUsers.of(hashByUser);
        }

        private void checkFieldNames(JsonNode mapping, String parent, List<String> known) throws WebConfigException {
            for (Map.Entry<String, JsonNode> entry : mapping.properties()) {
                String field = parent == null ? entry.getKey() : parent + "." + entry.getKey();
                if (known.contains(entry.getKey())) {
                    continue;
                }
                String unsupported = UNSUPPORTED.get(field);
                if (unsupported != null) {
                    throw new WebConfigException(file, field, unsupported);
                }
                throw new WebConfigException(file, field, "unknown field (known: " + String.join(", ", known) + ")");
            }
        }

        /** A string field; absent, null and empty are all "not set", as in exporter-toolkit. */
        private Optional<String> text(JsonNode mapping, String name) throws WebConfigException {
            JsonNode value = mapping.get(name);
            if (value == null || value.isNull()) {
                return Optional.empty();
            }
            if (!value.isTextual()) {
                throw new WebConfigException(file, TLS + "." + name, "expected a string, found " + kind(value));
            }
            return value.textValue().isEmpty() ? Optional.empty() : Optional.of(value.textValue());
        }

        private TlsVersion version(JsonNode tls, String name, TlsVersion otherwise) throws WebConfigException {
            Optional<String> value = text(tls, name);
            if (value.isEmpty()) {
                return otherwise;
            }
            return TlsVersion.named(value.get()).orElseThrow(() -> new WebConfigException(file, TLS + "." + name,
                    "unknown value '" + value.get() + "' (one of " + TlsVersion.names() + ")"));
        }

        private Path resolve(String path) {
            return file.toAbsolutePath().getParent().resolve(path).normalize();
        }
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "a mapping";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }
}
