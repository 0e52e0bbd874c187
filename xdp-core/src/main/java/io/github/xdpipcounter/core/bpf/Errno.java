package io.github.xdpipcounter.core.bpf;

import java.util.Map;

/** Names and operator hints for the errno values libbpf and bpf(2) return. */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ENXIO = 6;
    static final int E2BIG = 7;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int ENOSYS = 38;
    static final int EOPNOTSUPP = 95;
    static final int EADDRNOTAVAIL = 99;
    /** Kernel-internal "not supported", which bpf(2) leaks to userspace. */
    static final int ENOTSUPP = 524;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(ENXIO, "ENXIO"), Map.entry(E2BIG, "E2BIG"),
            Map.entry(EBADF, "EBADF"), Map.entry(EAGAIN, "EAGAIN"), Map.entry(ENOMEM, "ENOMEM"),
            Map.entry(EACCES, "EACCES"), Map.entry(EFAULT, "EFAULT"), Map.entry(EBUSY, "EBUSY"),
            Map.entry(EEXIST, "EEXIST"), Map.entry(ENODEV, "ENODEV"), Map.entry(EINVAL, "EINVAL"),
            Map.entry(ENOSPC, "ENOSPC"), Map.entry(ENOSYS, "ENOSYS"), Map.entry(EOPNOTSUPP, "EOPNOTSUPP"),
            Map.entry(EADDRNOTAVAIL, "EADDRNOTAVAIL"), Map.entry(ENOTSUPP, "ENOTSUPP"));

    private static final Map<Integer, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry(EPERM, "operation not permitted"), Map.entry(ENOENT, "no such entry"),
            Map.entry(ENXIO, "no such device or address"), Map.entry(E2BIG, "argument list too long"), Map.entry(EBADF, "bad file descriptor"),
            Map.entry(EAGAIN, "try again"), Map.entry(ENOMEM, "out of memory"),
            Map.entry(EACCES, "permission denied"), Map.entry(EFAULT, "bad address"),
            Map.entry(EBUSY, "device or resource busy"), Map.entry(EEXIST, "already exists"),
            Map.entry(ENODEV, "no such device"), Map.entry(EINVAL, "invalid argument"),
            Map.entry(ENOSPC, "no space left"), Map.entry(ENOSYS, "function not implemented"),
            Map.entry(EOPNOTSUPP, "operation not supported"),
            Map.entry(EADDRNOTAVAIL, "address not available"), Map.entry(ENOTSUPP, "not supported"));

    private Errno() {
    }

    /** "EPERM (operation not permitted)", or "errno 123" for a value we do not name. */
    static String describe(int errno) {
        String name = NAMES.get(errno);
        return name == null ? "errno " + errno : name + " (" + DESCRIPTIONS.get(errno) + ")";
    }

    static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }

    /** What an operator can do about it, where the errno alone does not say. */
    static String hint(int errno) {
        return switch (errno) {
            case EPERM, EACCES -> "needs root, or CAP_BPF + CAP_NET_ADMIN + CAP_PERFMON";
            // Which attach mode works is XdpLink's to say: here it is any operation.
            case EOPNOTSUPP, ENOTSUPP -> "this kernel or driver does not support it";
            default -> null;
        };
    }
}
