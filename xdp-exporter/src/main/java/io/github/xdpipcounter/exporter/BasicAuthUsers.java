package io.github.xdpipcounter.exporter;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.IllegalBCryptFormatException;

/**
 * The {@code basic_auth_users} of a web config file: user name to bcrypt
 * hash, every hash checked to be well formed. Empty: no authentication.
 */
record BasicAuthUsers(Map<String, String> hashByUser, int maxCost) {
    static final BasicAuthUsers NONE = new BasicAuthUsers(Map.of(), 0);

    BasicAuthUsers {
        hashByUser = Map.copyOf(hashByUser);
    }

    static BasicAuthUsers of(Map<String, String> hashByUser) {
        return new BasicAuthUsers(hashByUser, hashByUser.values().stream().mapToInt(BasicAuthUsers::cost).max().orElse(0));
    }

    boolean isEmpty() {
        return hashByUser.isEmpty();
    }

    Optional<String> hash(String user) {
        return Optional.ofNullable(hashByUser.get(user));
    }

    /**
     * The cost of a bcrypt hash in the forms htpasswd, Go and OpenBSD write
     * ($2y$, $2a$, $2b$).
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static int cost(String hash) {
        // $2x$ marks hashes made by crypt_blowfish's old sign-extension bug; Go treats it as $2a$, we refuse it.
        if (!(hash.startsWith("$2y$") || hash.startsWith("$2a$") || hash.startsWith("$2b$"))) {
            throw new IllegalArgumentException("not a bcrypt hash: it must start with $2y$, $2a$ or $2b$ (htpasswd -nbB USER PASSWORD makes one)");
        }
        try {
            return BCrypt.Version.VERSION_2A.parser.parse(hash.getBytes(StandardCharsets.UTF_8)).cost;
        } catch (IllegalBCryptFormatException e) {
            throw new IllegalArgumentException("not a bcrypt hash: 60 characters like $2y$10$ followed by 53 of [./A-Za-z0-9] expected"
                    + " (htpasswd -nbB USER PASSWORD makes one)");
        }
    }

    @Override
    public String toString() {
        return "BasicAuthUsers" + hashByUser.keySet(); // never the hashes
    }
}
