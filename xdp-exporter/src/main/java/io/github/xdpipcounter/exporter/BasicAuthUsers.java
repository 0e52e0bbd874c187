package io.github.xdpipcounter.exporter;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code basic_auth_users} of a web config file: user name to bcrypt
 * hash, every hash checked to be well formed. Empty: no authentication.
 */
record BasicAuthUsers(Map<String, String> hashByUser, int maxCost) {
    static final BasicAuthUsers NONE = new BasicAuthUsers(Map.of(), 0);
    /** Modular crypt format: $2y$, two digits of cost, $, 22 characters of salt and 31 of hash. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");

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
        Matcher form = BCRYPT.matcher(hash);
        if (!form.matches()) {
            throw new IllegalArgumentException("not a bcrypt hash: 60 characters like $2y$10$ followed by 53 of [./A-Za-z0-9] expected"
                    + " (htpasswd -nbB USER PASSWORD makes one)");
        }
        int cost = Integer.parseInt(form.group(1));
        if (cost < 4 || cost > 31) {
            throw new IllegalArgumentException("not a bcrypt hash: its cost " + cost + " is outside bcrypt's 4-31");
        }
        return cost;
    }

    @Override
    public String toString() {
        return "BasicAuthUsers" + hashByUser.keySet(); // never the hashes
    }
}
