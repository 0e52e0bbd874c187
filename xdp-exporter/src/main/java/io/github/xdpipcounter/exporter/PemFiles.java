package io.github.xdpipcounter.exporter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files a web config names: certificates (every one in the
 * file, in order) and an unencrypted private key, PKCS#8 or PKCS#1 RSA.
 * Problems are reported against the config file and the field that names
 * the PEM file.
 *
 * @param configFile the web config
 * @param field      its field that names {@code pem}
 * @param pem        the PEM file read
 */
record PemFiles(Path configFile, String field, Path pem) {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\R(.*?)-----END \\1-----", Pattern.DOTALL);
    /** DER of the AlgorithmIdentifier {rsaEncryption, NULL} that a PKCS#8 envelope of an RSA key carries. */
    private static final byte[] RSA_ALGORITHM = {
            0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS");

    /** Every certificate in {@code pem}, in file order (a chain: leaf first). */
    static List<X509Certificate> certificates(Path configFile, String field, Path pem) throws WebConfigException {
        return new PemFiles(configFile, field, pem).certificates();
    }

    /** The first private key in {@code pem}. */
    static PrivateKey privateKey(Path configFile, String field, Path pem) throws WebConfigException {
        return new PemFiles(configFile, field, pem).privateKey();
    }

    private record Block(String label, String body) {
        boolean encryptedLegacy() {
            return body.contains("Proc-Type:") && body.contains("ENCRYPTED");
        }

        byte[] der() {
            return Base64.getMimeDecoder().decode(body);
        }
    }

    private List<Block> blocks() throws WebConfigException {
        String text;
        try {
            text = Files.readString(pem, StandardCharsets.ISO_8859_1); // PEM is ASCII; never fails to decode
        } catch (NoSuchFileException e) {
            throw problem("no such file " + pem);
        } catch (AccessDeniedException e) {
            throw problem("permission denied: " + pem);
        } catch (IOException e) {
            throw problem("cannot read " + pem + ": " + e.getMessage());
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            blocks.add(new Block(m.group(1), m.group(2)));
        }
        return blocks;
    }

    private List<X509Certificate> certificates() throws WebConfigException {
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Block block : blocks()) {
            if (!block.label().equals("CERTIFICATE")) {
                continue;
            }
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException | IllegalArgumentException e) {
                throw problem("certificate " + (certificates.size() + 1) + " in " + pem + " is not valid: " + oneLine(e));
            }
        }
        if (certificates.isEmpty()) {
            throw problem("no certificate in " + pem + " (a -----BEGIN CERTIFICATE----- block expected)");
        }
        return certificates;
    }

    private PrivateKey privateKey() throws WebConfigException {
        String convert = "; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + pem + " -out " + pem + ".pkcs8";
        for (Block block : blocks()) {
            switch (block.label()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(block.der());
                }
                case "RSA PRIVATE KEY" -> {
                    if (block.encryptedLegacy()) {
                        throw problem("the key in " + pem + " is encrypted, which is not supported" + convert);
                    }
                    return pkcs8(pkcs8OfRsa(block.der()));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw problem("the key in " + pem + " is encrypted, which is not supported" + convert);
                case "EC PRIVATE KEY" -> throw problem("the key in " + pem + " is a SEC1 EC key (BEGIN EC PRIVATE KEY), which is not supported" + convert);
                default -> {
                    if (block.label().endsWith("PRIVATE KEY")) {
                        throw problem("the key in " + pem + " is a " + block.label() + ", which is not supported"
                                + " (PKCS#8 BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY expected)" + convert);
                    }
                }
            }
        }
        throw problem("no private key in " + pem + " (a -----BEGIN PRIVATE KEY----- block expected)");
    }

    private PrivateKey pkcs8(byte[] der) throws WebConfigException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        // The spec does not tell its algorithm; each factory refuses keys of another.
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this one
            }
        }
        throw problem("the key in " + pem + " is not a valid PKCS#8 key of type " + String.join(", ", KEY_ALGORITHMS));
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption), which the JDK reads. */
    private static byte[] pkcs8OfRsa(byte[] pkcs1) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(new byte[] {0x02, 0x01, 0x00}); // version 0
        content.writeBytes(RSA_ALGORITHM);
        derHeader(content, 0x04, pkcs1.length); // OCTET STRING holding the PKCS#1 key
        content.writeBytes(pkcs1);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        derHeader(info, 0x30, content.size()); // SEQUENCE
        info.writeBytes(content.toByteArray());
        return info.toByteArray();
    }

    private static void derHeader(ByteArrayOutputStream out, int tag, int length) {
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write(length >>> (8 * i));
        }
    }

    private WebConfigException problem(String detail) {
        return new WebConfigException(configFile, field, detail);
    }

    private static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse("").strip();
    }
}
