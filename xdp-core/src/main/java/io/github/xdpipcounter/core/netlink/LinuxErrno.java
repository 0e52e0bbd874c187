package io.github.xdpipcounter.core.netlink;

import java.util.Map;

/**
 * Names of the errno values socket(2), bind(2), setsockopt(2), recv(2) and
 * close(2) return on a netlink socket. The BPF package has its own table
 * (with BPF hints, wrong here: a link monitor needs no privileges).
 */
final class LinuxErrno {
    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EINVAL = 22;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int EPROTONOSUPPORT = 93;
    static final int EAFNOSUPPORT = 97;
    static final int EADDRINUSE = 98;
    static final int ENOBUFS = 105;

    private record Name(String symbol, String description) {
    }

    private static final Map<Integer, Name> NAMES = Map.ofEntries(
            Map.entry(EPERM, new Name("EPERM", "operation not permitted")),
            Map.entry(EINTR, new Name("EINTR", "interrupted by a signal")),
            Map.entry(EBADF, new Name("EBADF", "bad file descriptor")),
            Map.entry(EAGAIN, new Name("EAGAIN", "try again")),
            Map.entry(ENOMEM, new Name("ENOMEM", "out of memory")),
            Map.entry(EACCES, new Name("EACCES", "permission denied")),
            Map.entry(EFAULT, new Name("EFAULT", "bad address")),
            Map.entry(EINVAL, new Name("EINVAL", "invalid argument")),
            Map.entry(ENFILE, new Name("ENFILE", "too many open files in the system")),
            Map.entry(EMFILE, new Name("EMFILE", "too many open files")),
            Map.entry(EPROTONOSUPPORT, new Name("EPROTONOSUPPORT", "protocol not supported")),
            Map.entry(EAFNOSUPPORT, new Name("EAFNOSUPPORT", "address family not supported")),
            Map.entry(EADDRINUSE, new Name("EADDRINUSE", "address already in use")),
            Map.entry(ENOBUFS, new Name("ENOBUFS", "no buffer space available")));

    private LinuxErrno() {
    }

    /** "ENOBUFS (no buffer space available)", or "errno 123" for a value we do not name. */
    static String describe(int errno) {
        Name name = NAMES.get(errno);
        return name == null ? "errno " + errno : name.symbol() + " (" + name.description() + ")";
    }

    static String name(int errno) {
        Name name = NAMES.get(errno);
        return name == null ? "errno " + errno : name.symbol();
    }
}
