package io.github.xdpipcounter.core.bpf;

/**
 * A libbpf or bpf(2) operation that failed. It names the operation and the
 * errno, in words, and carries libbpf's log where there is one (for a
 * verifier rejection that is the verifier's log).
 */
public class BpfException extends RuntimeException {
    private final String operation;
    private final int errno;
    private final String libbpfLog;

    public BpfException(String operation, int errno, String libbpfLog) {
        this(operation, errno, libbpfLog, Errno.hint(errno));
    }

    /** With a hint of the caller's, who knows better than the errno what it means here. */
    BpfException(String operation, int errno, String libbpfLog, String hint) {
        super(message(operation, errno, libbpfLog, hint));
        this.operation = operation;
        this.errno = errno;
        this.libbpfLog = libbpfLog == null ? "" : libbpfLog;
    }

    public BpfException(String operation, int errno) {
        this(operation, errno, null);
    }

    /** The operation that failed, e.g. {@code "load BPF object xdp_ip_counter"}. */
    public String operation() {
        return operation;
    }

    /** The positive errno value; 0 where the failure had none. */
    public int errno() {
        return errno;
    }

    /** The symbolic name, e.g. {@code "EPERM"}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** What libbpf logged during the operation (verifier log included); may be empty. */
    public String libbpfLog() {
        return libbpfLog;
    }

    /** True when the failure is a lack of privileges. */
    public boolean isPermissionDenied() {
        return errno == Errno.EPERM || errno == Errno.EACCES;
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
