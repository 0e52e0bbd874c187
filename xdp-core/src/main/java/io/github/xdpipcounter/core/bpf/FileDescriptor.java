package io.github.xdpipcounter.core.bpf;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;

/**
 * The file descriptor of a kernel object, after cilium/ebpf's
 * {@code internal/sys.FD}: once its owner has closed it, using it is an
 * {@link IllegalStateException} naming the object, never a system call on a
 * number the kernel may already have given to something else.
 */
final class FileDescriptor {
    private final String object;
    private final AtomicInteger value;

    /** @param object what the descriptor refers to, for messages: "BPF map stats" */
    FileDescriptor(String object, int value) {
        this.object = object;
        this.value = new AtomicInteger(value);
    }

    /** The descriptor's number; throws when it was closed. */
    int value() {
        int v = value.get();
        if (v < 0) {
            throw new IllegalStateException(object + " is closed");
        }
        return v;
    }

    /** Forgets the number without closing it: for descriptors that libbpf closes with its object. */
    void forget() {
        value.set(-1);
    }

    /** Closes the descriptor. Idempotent, and safe against a concurrent close. */
    void close() {
        int v = value.getAndSet(-1);
        if (v >= 0) {
            LibBpf.close(v);
        }
    }

    /** What the descriptor refers to: "BPF map stats". */
    @Override
    public String toString() {
        return object;
    }
}
