package io.github.xdpipcounter.core.bpf;

import java.util.Map;

import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.E2BIG;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EACCES;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EADDRINUSE;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EADDRNOTAVAIL;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EAFNOSUPPORT;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EAGAIN;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EBADF;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EBUSY;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EEXIST;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EFAULT;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EINTR;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EINVAL;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EMFILE;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.ENFILE;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.ENOBUFS;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.ENODEV;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.ENOENT;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.ENOMEM;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.ENOSPC;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.ENOSYS;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.ENXIO;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EOPNOTSUPP;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EPERM;
import static io.github.xdpipcounter.core.internal.libbpf.LibBpf.EPROTONOSUPPORT;

/**
 * Names of the errno values the kernel returns to this library: bpf(2) and
 * libbpf here, netlink sockets in {@code core.netlink}. One table for both,
 * in our words; the values are the C headers' (generated, as
 * {@code LibBpf.EPERM()} and so on). Only the operator hints are BPF's own.
 */
public final class Errno {
    /**
     * Kernel-internal "not supported" (include/linux/errno.h), which bpf(2)
     * leaks to userspace: no header of userspace defines it.
     */
    static final int ENOTSUPP = 524;

    private record Name(String symbol, String description) {
    }

    private static final Map<Integer, Name> NAMES = Map.ofEntries(
            Map.entry(EPERM(), new Name("EPERM", "operation not permitted")),
            Map.entry(ENOENT(), new Name("ENOENT", "no such entry")),
            Map.entry(EINTR(), new Name("EINTR", "interrupted by a signal")),
            Map.entry(ENXIO(), new Name("ENXIO", "no such device or address")),
            Map.entry(E2BIG(), new Name("E2BIG", "argument list too long")),
            Map.entry(EBADF(), new Name("EBADF", "bad file descriptor")),
            Map.entry(EAGAIN(), new Name("EAGAIN", "try again")),
            Map.entry(ENOMEM(), new Name("ENOMEM", "out of memory")),
            Map.entry(EACCES(), new Name("EACCES", "permission denied")),
            Map.entry(EFAULT(), new Name("EFAULT", "bad address")),
            Map.entry(EBUSY(), new Name("EBUSY", "device or resource busy")),
            Map.entry(EEXIST(), new Name("EEXIST", "already exists")),
            Map.entry(ENODEV(), new Name("ENODEV", "no such device")),
            Map.entry(EINVAL(), new Name("EINVAL", "invalid argument")),
            Map.entry(ENFILE(), new Name("ENFILE", "too many open files in the system")),
            Map.entry(EMFILE(), new Name("EMFILE", "too many open files")),
            Map.entry(ENOSPC(), new Name("ENOSPC", "no space left")),
            Map.entry(ENOSYS(), new Name("ENOSYS", "function not implemented")),
            Map.entry(EPROTONOSUPPORT(), new Name("EPROTONOSUPPORT", "protocol not supported")),
            Map.entry(EOPNOTSUPP(), new Name("EOPNOTSUPP", "operation not supported")),
            Map.entry(EAFNOSUPPORT(), new Name("EAFNOSUPPORT", "address family not supported")),
            Map.entry(EADDRINUSE(), new Name("EADDRINUSE", "address already in use")),
            Map.entry(EADDRNOTAVAIL(), new Name("EADDRNOTAVAIL", "address not available")),
            Map.entry(ENOBUFS(), new Name("ENOBUFS", "no buffer space available")),
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
        if (errno == EPERM() || errno == EACCES()) {
            return "needs root, or CAP_BPF + CAP_NET_ADMIN + CAP_PERFMON";
        }
        // Which attach mode works is XdpLink's to say: here it is any operation.
        return unsupported(errno) ? "this kernel or driver does not support it" : null;
    }

    /** EOPNOTSUPP, or the kernel's own ENOTSUPP that bpf(2) returns for the same. */
    static boolean unsupported(int errno) {
        return errno == EOPNOTSUPP() || errno == ENOTSUPP;
    }
}
