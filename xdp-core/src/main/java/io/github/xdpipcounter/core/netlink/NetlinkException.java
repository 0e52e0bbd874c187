package io.github.xdpipcounter.core.netlink;

import io.github.xdpipcounter.core.bpf.Errno;

/** A netlink socket operation that failed; it names the operation and the errno, in words. */
public final class NetlinkException extends RuntimeException {
    private final String operation;
    private final int errno;

    NetlinkException(String operation, int errno) {
        super(operation + " failed: " + Errno.describe(errno));
        this.operation = operation;
        this.errno = errno;
    }

    /** The operation that failed, e.g. {@code "subscribe to link notifications"}. */
    public String operation() {
        return operation;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    /** The symbolic name, e.g. {@code "EMFILE"}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
