package io.github.xdpipcounter.exporter;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.crypto.bcrypt.BCrypt;
import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

/**
 * HTTP basic authentication against the current {@code basic_auth_users}
 * (asked for on every request, so users added, removed or changed in the
 * file count from the next request). With no users, every request passes.
 *
 * <p>bcrypt is slow on purpose (tens of milliseconds at cost 10), and the
 * exporter runs a virtual thread per request, so: successful checks are
 * cached (by user, hash and a keyed hash of the password, never the
 * password); at most one bcrypt per processor runs at a time, so a flood
 * of wrong passwords queues instead of taking every core; and an unknown
 * user costs a bcrypt of the same cost as the known ones, so response times
 * do not tell which user names exist.
 */
final class BcryptAuthenticator extends Authenticator {
    static final String REALM = "xdp-ip-counter";
    private static final String CHALLENGE = "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"";
    private static final int CACHED_SUCCESSES = 64;

    private final Supplier<BasicAuthUsers> users;
    private final Semaphore bcryptPermits = new Semaphore(Runtime.getRuntime().availableProcessors(), true);
    private final Map<CacheKey, Boolean> successes = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<CacheKey, Boolean> eldest) {
            return size() > CACHED_SUCCESSES;
        }
    });
    /** Keys the password digests in the cache, so that they are no fast-to-test hashes of passwords. */
    private final SecretKeySpec cacheKeySecret;
    /** Per cost: a hash of a random password, to spend on unknown users. */
    private final Map<Integer, String> decoyHashes = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    private record CacheKey(String user, String hash, String passwordMac) {
    }

    private record Credentials(String user, byte[] password) {
    }

    BcryptAuthenticator(Supplier<BasicAuthUsers> users) {
        this.users = users;
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        this.cacheKeySecret = new SecretKeySpec(secret, "HmacSHA256");
    }

    @Override
    public Result authenticate(HttpExchange exchange) {
        BasicAuthUsers current = users.get();
        if (current.isEmpty()) {
            return new Success(null); // no users configured: open, and nobody is authenticated
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Optional<Credentials> credentials = parse(authorization);
        if (credentials.isPresent() && verify(current, credentials.get())) {
            return new Success(new HttpPrincipal(credentials.get().user(), REALM));
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", CHALLENGE);
        return authorization == null ? new Retry(401) : new Failure(401);
    }

    /** The user and password bytes of a {@code Basic} authorization, if it is one. */
    private static Optional<Credentials> parse(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Basic")) {
            return Optional.empty();
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(value.substring(space + 1).strip());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = indexOf(decoded, (byte) ':');
        if (colon < 0) {
            return Optional.empty();
        }
        // The password stays bytes: bcrypt compares bytes, and decoding could alter invalid UTF-8.
        return Optional.of(new Credentials(new String(decoded, 0, colon, StandardCharsets.UTF_8),
                Arrays.copyOfRange(decoded, colon + 1, decoded.length)));
    }

    private boolean verify(BasicAuthUsers current, Credentials credentials) {
        Optional<String> hash = current.hash(credentials.user());
        if (hash.isEmpty()) {
            bcrypt(credentials.password(), decoyHash(current.maxCost())); // same work as a known user; result unused
            return false;
        }
        CacheKey key = new CacheKey(credentials.user(), hash.get(), mac(credentials.password()));
        if (successes.containsKey(key)) {
            return true;
        }
        boolean verified = bcrypt(credentials.password(), hash.get());
        if (verified) {
            successes.put(key, Boolean.TRUE);
        }
        return verified;
    }

    private boolean bcrypt(byte[] password, String hash) {
        try {
            bcryptPermits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            return BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException e) {
            return false; // longer than bcrypt's 72 bytes
        } finally {
            bcryptPermits.release();
        }
    }

    private String decoyHash(int cost) {
        return decoyHashes.computeIfAbsent(cost, c -> {
            byte[] password = new byte[16];
            random.nextBytes(password);
            bcryptPermits.acquireUninterruptibly(); // made once per cost; as costly as a check
            try {
                return BCrypt.hashpw(password, BCrypt.gensalt("$2y", c, random));
            } finally {
                bcryptPermits.release();
            }
        });
    }

    private String mac(byte[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(cacheKeySecret);
            return HexFormat.of().formatHex(mac.doFinal(password));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
