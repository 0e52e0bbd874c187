package io.github.xdpipcounter.core.bpf;

/**
 * A libbpf or bpf(2) operation that failed. It names the operation and the
 * errno, in words, and carries libbpf's log where there is one. The
 * subclasses say more: {@link VerifierException} for a program the
 * verifier rejected, {@link LibbpfUnavailableException} for a missing libbpf.
 */
public class BpfException extends RuntimeException {
    /** The operation that failed. */
    private final String operation;
    /** The positive errno, or 0. */
    private final int errno;
    /** What libbpf logged; may be empty. */
    private final String libbpfLog;

    BpfException(String operation, int errno) {
        this(operation, errno, null);
    }

    BpfException(String operation, int errno, String libbpfLog) {
        this(operation, errno, libbpfLog, Errno.hint(errno));
    }

    /** With a hint of the caller's, who knows better than the errno what it means here. */
    BpfException(String operation, int errno, String libbpfLog, String hint) {
        this(message(operation, errno, libbpfLog, hint), operation, errno, libbpfLog);
    }

    /** With a message of the subclass's own. */
    BpfException(String message, String operation, int errno, String libbpfLog) {
        super(message);
        this.operation = operation;
        this.errno = errno;
        this.libbpfLog = libbpfLog == null ? "" : libbpfLog;
    }

    /**
     * The operation that failed, e.g. {@code "load BPF object xdp_ip_counter"}.
     *
     * @return the operation
     */
    public String operation() {
        return operation;
    }

    /**
     * The positive errno value (see {@link Errno}); 0 where the failure had none.
     *
     * @return the errno
     */
    public int errno() {
        return errno;
    }

    /**
     * What libbpf logged during the operation (a verifier log included); may be empty.
     *
     * @return the log
     */
    public String libbpfLog() {
        return libbpfLog;
    }

    private static String message(String operation, int errno, String log, String hint) {
        StringBuilder sb = new StringBuilder(operation).append(" failed");
        if (errno != 0) {
            sb.append(": ").append(Errno.describe(errno));
            if (hint != null) {
                sb.append(": ").append(hint);
            }
        }
        if (log != null && !log.isBlank()) {
            sb.append("\nlibbpf log:\n").append(log.strip());
        }
        return sb.toString();
    }
}
