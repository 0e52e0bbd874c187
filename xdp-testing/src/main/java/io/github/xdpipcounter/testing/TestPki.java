package io.github.xdpipcounter.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;


/**
 * A small PKI made with openssl in a directory: a CA, two server
 * certificates for 127.0.0.1 and localhost, a client certificate, a client
 * certificate from another CA, and a server certificate issued by an
 * intermediate CA (its file holds the chain). Keys are unencrypted PKCS#8
 * as openssl 3 writes them; the other key forms are made on request.
 */
public final class TestPki {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String SERVER_EXTENSIONS = """
            subjectAltName=IP:127.0.0.1,DNS:localhost
            extendedKeyUsage=serverAuth
            basicConstraints=CA:FALSE
            """;
    private static final String CLIENT_EXTENSIONS = """
            extendedKeyUsage=clientAuth
            basicConstraints=CA:FALSE
            """;
    private static final String CA_EXTENSIONS = """
            basicConstraints=critical,CA:TRUE
            keyUsage=critical,keyCertSign,cRLSign
            """;

    /**
     * A certificate, its key and its serial number.
     *
     * @param cert   the certificate, PEM
     * @param key    its private key, PEM
     * @param serial its serial number
     */
    public record Issued(Path cert, Path key, BigInteger serial) {
    }

    private final Path dir;
    private final String openssl;
    /** The CA that issues the server and client certificates. */
    public final Path ca;
    /** RSA (so that its key can be written as PKCS#1), CN=server-1, serial 0x1001. */
    public final Issued server;
    /** EC P-256, CN=server-2, serial 0x2002. */
    public final Issued secondServer;
    /** EC P-256, CN=client-1, serial 0x3003. */
    public final Issued client;
    /** From another CA: CN=foreign-client, serial 0x4004. */
    public final Issued foreignClient;
    /** Issued by an intermediate CA under {@link #ca}; cert holds the leaf then the intermediate. Serial 0x5005. */
    public final Issued chainedServer;

    private TestPki(Path dir) {
        this.dir = dir;
        this.openssl = TestTools.require("openssl", "openssl");
        this.ca = selfSigned("ca", "/CN=xdp test CA");
        this.server = issue("server-1", "rsa:2048", SERVER_EXTENSIONS, 0x1001, ca);
        this.secondServer = issue("server-2", "ec", SERVER_EXTENSIONS, 0x2002, ca);
        this.client = issue("client-1", "ec", CLIENT_EXTENSIONS, 0x3003, ca);
        Path otherCa = selfSigned("other-ca", "/CN=another CA");
        this.foreignClient = issue("foreign-client", "ec", CLIENT_EXTENSIONS, 0x4004, otherCa);
        Issued intermediate = issue("intermediate-ca", "ec", CA_EXTENSIONS, 0x6006, ca);
        Issued leaf = issue("chained-server", "ec", SERVER_EXTENSIONS, 0x5005, intermediate.cert());
        Path chain = dir.resolve("chained-server-chain.pem");
        write(chain, read(leaf.cert()) + read(intermediate.cert()));
        this.chainedServer = new Issued(chain, leaf.key(), leaf.serial());
    }

    /**
     * Makes the PKI in {@code dir} with openssl.
     *
     * @param dir an empty directory
     * @return the PKI
     */
    public static TestPki create(Path dir) {
        return new TestPki(dir);
    }

    /**
     * {@link #server}'s key as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}).
     *
     * @return the key file
     */
    public Path serverKeyAsPkcs1() {
        Path key = dir.resolve("server-1.rsa.pem");
        openssl("rsa", "-in", server.key().toString(), "-traditional", "-out", key.toString());
        return key;
    }

    /**
     * An EC key in SEC1 form ({@code BEGIN EC PRIVATE KEY}, after {@code BEGIN EC PARAMETERS}).
     *
     * @return the key file
     */
    public Path sec1Key() {
        Path key = dir.resolve("sec1.pem");
        openssl("ecparam", "-genkey", "-name", "prime256v1", "-out", key.toString());
        return key;
    }

    /**
     * {@link #server}'s key, encrypted PKCS#8 ({@code BEGIN ENCRYPTED PRIVATE KEY}).
     *
     * @return the key file (password "secret")
     */
    public Path encryptedKey() {
        Path key = dir.resolve("server-1.encrypted.pem");
        openssl("pkcs8", "-topk8", "-in", server.key().toString(), "-passout", "pass:secret", "-out", key.toString());
        return key;
    }

    /**
     * A bcrypt hash of {@code password} as {@code htpasswd -nbB} makes it ($2y$, its default cost 5).
     *
     * @param password the password
     * @return the hash
     */
    public static String bcrypt(String password) {
        return bcrypt(password, 5);
    }

    /**
     * A bcrypt hash of {@code password} made by {@code htpasswd -nbB -C cost}.
     *
     * @param password the password
     * @param cost     the bcrypt cost
     * @return the hash
     */
    public static String bcrypt(String password, int cost) {
        String line = Commands.run(LIMIT, TestTools.require("htpasswd", "apache2-utils"),
                "-nbB", "-C", Integer.toString(cost), "user", password).strip();
        return line.substring(line.indexOf(':') + 1);
    }

    private Path selfSigned(String name, String subject) {
        Path cert = dir.resolve(name + ".pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", cert.toString(), "-subj", subject, "-days", "2");
        return cert;
    }

    private Issued issue(String name, String keySpec, String extensions, int serial, Path issuer) {
        Path key = dir.resolve(name + ".key");
        Path request = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        Path extensionFile = dir.resolve(name + ".ext");
        write(extensionFile, extensions);
        String[] newKey = keySpec.equals("ec")
                ? new String[] {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"}
                : new String[] {"-newkey", keySpec};
        String[] req = {"req", "-new", "-nodes", "-keyout", key.toString(), "-subj", "/CN=" + name, "-out", request.toString()};
        openssl(concat(req, newKey));
        String issuerKey = issuer.toString().replaceFirst("\\.pem$", ".key");
        openssl("x509", "-req", "-in", request.toString(), "-CA", issuer.toString(), "-CAkey", issuerKey,
                "-set_serial", "0x" + Integer.toHexString(serial), "-days", "2", "-extfile", extensionFile.toString(),
                "-out", cert.toString());
        return new Issued(cert, key, BigInteger.valueOf(serial));
    }

    private void openssl(String... arguments) {
        Commands.run(LIMIT, concat(new String[] {openssl}, arguments));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
