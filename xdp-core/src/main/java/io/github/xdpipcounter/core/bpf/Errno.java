package io.github.xdpipcounter.core.bpf;

import java.util.Map;

/**
 * Names of the errno values the kernel returns to this library: bpf(2) and
 * libbpf here, rtnetlink sockets in {@code core.netlink}. One table for
 * both; only the operator hints are BPF's own.
 */
public final class Errno {
    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such entry. */
    public static final int ENOENT = 2;
    /** Interrupted by a signal. */
    public static final int EINTR = 4;
    /** No such device or address. */
    public static final int ENXIO = 6;
    /** Argument list too long. */
    public static final int E2BIG = 7;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** Try again. */
    public static final int EAGAIN = 11;
    /** Out of memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** Already exists. */
    public static final int EEXIST = 17;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files in the system. */
    public static final int ENFILE = 23;
    /** Too many open files. */
    public static final int EMFILE = 24;
    /** No space left. */
    public static final int ENOSPC = 28;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** Protocol not supported. */
    public static final int EPROTONOSUPPORT = 93;
    /** Operation not supported. */
    public static final int EOPNOTSUPP = 95;
    /** Address family not supported. */
    public static final int EAFNOSUPPORT = 97;
    /** Address already in use. */
    public static final int EADDRINUSE = 98;
    /** Address not available. */
    public static final int EADDRNOTAVAIL = 99;
    /** No buffer space available. */
    public static final int ENOBUFS = 105;
    /** Kernel-internal "not supported", which bpf(2) leaks to userspace. */
    public static final int ENOTSUPP = 524;

    private record Name(String symbol, String description) {
    }

    private static final Map<Integer, Name> NAMES = Map.ofEntries(
            Map.entry(EPERM, new Name("EPERM", "operation not permitted")),
            Map.entry(ENOENT, new Name("ENOENT", "no such entry")),
            Map.entry(EINTR, new Name("EINTR", "interrupted by a signal")),
            Map.entry(ENXIO, new Name("ENXIO", "no such device or address")),
            Map.entry(E2BIG, new Name("E2BIG", "argument list too long")),
            Map.entry(EBADF, new Name("EBADF", "bad file descriptor")),
            Map.entry(EAGAIN, new Name("EAGAIN", "try again")),
            Map.entry(ENOMEM, new Name("ENOMEM", "out of memory")),
            Map.entry(EACCES, new Name("EACCES", "permission denied")),
            Map.entry(EFAULT, new Name("EFAULT", "bad address")),
            Map.entry(EBUSY, new Name("EBUSY", "device or resource busy")),
            Map.entry(EEXIST, new Name("EEXIST", "already exists")),
            Map.entry(ENODEV, new Name("ENODEV", "no such device")),
            Map.entry(EINVAL, new Name("EINVAL", "invalid argument")),
            Map.entry(ENFILE, new Name("ENFILE", "too many open files in the system")),
            Map.entry(EMFILE, new Name("EMFILE", "too many open files")),
            Map.entry(ENOSPC, new Name("ENOSPC", "no space left")),
            Map.entry(ENOSYS, new Name("ENOSYS", "function not implemented")),
            Map.entry(EPROTONOSUPPORT, new Name("EPROTONOSUPPORT", "protocol not supported")),
            Map.entry(EOPNOTSUPP, new Name("EOPNOTSUPP", "operation not supported")),
            Map.entry(EAFNOSUPPORT, new Name("EAFNOSUPPORT", "address family not supported")),
            Map.entry(EADDRINUSE, new Name("EADDRINUSE", "address already in use")),
            Map.entry(EADDRNOTAVAIL, new Name("EADDRNOTAVAIL", "address not available")),
            Map.entry(ENOBUFS, new Name("ENOBUFS", "no buffer space available")),
            Map.entry(ENOTSUPP, new Name("ENOTSUPP", "not supported")));

    private Errno() {
    }

    /**
     * "EPERM (operation not permitted)", or "errno 123" for a value we do not name.
     *
     * @param errno a positive errno value
     * @return its symbol and meaning
     */
    public static String describe(int errno) {
        Name name = NAMES.get(errno);
        return name == null ? "errno " + errno : name.symbol() + " (" + name.description() + ")";
    }

    /**
     * "EPERM", or "errno 123" for a value we do not name.
     *
     * @param errno a positive errno value
     * @return its symbol
     */
    public static String name(int errno) {
        Name name = NAMES.get(errno);
        return name == null ? "errno " + errno : name.symbol();
    }

    /** What an operator can do about a BPF operation's errno, where the errno alone does not say. */
    static String hint(int errno) {
        return switch (errno) {
            case EPERM, EACCES -> "needs root, or CAP_BPF + CAP_NET_ADMIN + CAP_PERFMON";
            // Which attach mode works is XdpLink's to say: here it is any operation.
            case EOPNOTSUPP, ENOTSUPP -> "this kernel or driver does not support it";
            default -> null;
        };
    }
}
