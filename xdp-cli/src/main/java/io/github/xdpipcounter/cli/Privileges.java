package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The capabilities this process holds, read from {@code /proc/self/status},
 * against the ones it needs.
 *
 * <p>The JVM cannot shed capabilities itself: they belong to each thread,
 * and the JVM has started a dozen threads (GC, compiler, ...) before
 * {@code main}, which a {@code capset} from one thread does not reach. So the
 * set is chosen before the JVM exists, by whoever starts it: the launcher
 * {@code scripts/xdp-ip-counter} or a service unit. This class only notices
 * when nobody did, and says so.
 */
final class Privileges {
    static final int CAP_SYS_ADMIN = 21;
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_PERFMON = 38;
    static final int CAP_BPF = 39;

    /**
     * What the tool needs, as a capability bit mask: CAP_BPF to create the
     * maps and load the program, CAP_NET_ADMIN because XDP is a networking
     * program type, CAP_PERFMON because without it the verifier applies its
     * Spectre v1 mitigations and rejects the program's variable packet offsets
     * (the IPv4 header length). Once attached, window flips (a map-of-maps
     * update, stores into the mmapped .bss) and batch reads on maps the process
     * holds need none of them (Linux 5.19 or newer); they are kept because the
     * process cannot drop them later (see above) and because creating maps or
     * reloading the program needs them again. The launcher keeps the same set:
     * {@code caps=+bpf,+net_admin,+perfmon} in scripts/xdp-ip-counter.
     */
    static final long NEEDED = bit(CAP_BPF) | bit(CAP_NET_ADMIN) | bit(CAP_PERFMON);

    /** Names by bit number, as in linux/capability.h. */
    private static final List<String> NAMES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
            "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN",
            "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
            "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");
    private static final int NAMED_IN_WARNING = 3;

    private Privileges() {
    }

    /** One thread's (or the process's) credentials: its real uid and its five capability sets as bit masks. */
    record Status(int uid, long inheritable, long permitted, long effective, long bounding, long ambient) {
        /**
         * Parses the text of {@code /proc/PID/status} or {@code /proc/PID/task/TID/status}.
         *
         * @throws IllegalArgumentException when a field is missing or malformed
         */
        static Status parse(String statusText) {
            Map<String, String> fields = new HashMap<>();
            for (String line : statusText.lines().toList()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
            return new Status(Integer.parseInt(field(fields, "Uid").split("\\s+")[0]), mask(fields, "CapInh"),
                    mask(fields, "CapPrm"), mask(fields, "CapEff"), mask(fields, "CapBnd"), mask(fields, "CapAmb"));
        }

        /** The capabilities it holds or may raise to effective without an exec, beyond {@link #NEEDED}. */
        long excess() {
            return (effective | permitted) & ~NEEDED;
        }

        private static long mask(Map<String, String> fields, String name) {
            try {
                return Long.parseUnsignedLong(field(fields, name), 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad " + name + " in status: " + fields.get(name), e);
            }
        }

        private static String field(Map<String, String> fields, String name) {
            String value = fields.get(name);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("no " + name + " in status");
            }
            return value;
        }
    }

    /**
     * A one-line warning when this process holds capabilities it does not
     * need (typically: started as full root); empty when it holds at most
     * {@link #NEEDED}, or when its status cannot be read. Log it as a warning.
     */
    static Optional<String> excessWarning() {
        try {
            return excessWarning(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException | IllegalArgumentException unreadable) {
            return Optional.empty(); // not Linux as we know it: nothing useful to say
        }
    }

    /** {@link #excessWarning()} for the given text of {@code /proc/self/status}. */
    static Optional<String> excessWarning(String statusText) {
        Status status = Status.parse(statusText);
        long excess = status.excess();
        if (excess == 0) {
            return Optional.empty();
        }
        String who = status.uid() == 0 ? "as root" : "as uid " + status.uid();
        return Optional.of("running " + who + " with capabilities it does not need (" + describe(excess)
                + "): it needs only CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON; start it with scripts/xdp-ip-counter, "
                + "which runs it as an unprivileged user with just those, or see README, \"Privileges\", for a service unit");
    }

    /** The capability names in a mask, lowest bit first. */
    static List<String> names(long mask) {
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit < Long.SIZE; bit++) {
            if ((mask & bit(bit)) != 0) {
                names.add(bit < NAMES.size() ? NAMES.get(bit) : "capability " + bit);
            }
        }
        return names;
    }

    /** CAP_SYS_ADMIN first when present (it alone allows almost anything), then the first few by number. */
    private static String describe(long excess) {
        List<String> names = new ArrayList<>();
        if ((excess & bit(CAP_SYS_ADMIN)) != 0) {
            names.add(NAMES.get(CAP_SYS_ADMIN));
        }
        names.addAll(names(excess & ~bit(CAP_SYS_ADMIN)));
        if (names.size() <= NAMED_IN_WARNING) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, NAMED_IN_WARNING)) + " and " + (names.size() - NAMED_IN_WARNING) + " more";
    }

    private static long bit(int capability) {
        return 1L << capability;
    }
}
