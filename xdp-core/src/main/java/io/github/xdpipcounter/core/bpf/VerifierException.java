package io.github.xdpipcounter.core.bpf;

/**
 * The kernel's verifier rejected a program of an object being loaded
 * (cilium/ebpf's {@code VerifierError}). Its log says which instruction and
 * why; the message carries it too.
 */
public final class VerifierException extends BpfException {
    private static final String BEGIN = "-- BEGIN PROG LOAD LOG --";
    private static final String END = "-- END PROG LOAD LOG --";

    /** The verifier's words. */
    private final String verifierLog;

    private VerifierException(String operation, int errno, String libbpfLog, String verifierLog) {
        super(operation, errno, libbpfLog);
        this.verifierLog = verifierLog;
    }

    /**
     * The failure of a load, as a verifier rejection when libbpf logged the
     * verifier's words, else as a plain {@link BpfException} (no privileges,
     * a map the kernel would not create...).
     */
    static BpfException ofLoad(String operation, int errno, String libbpfLog) {
        int begin = libbpfLog.indexOf(BEGIN);
        int end = libbpfLog.indexOf(END, Math.max(begin, 0));
        if (begin < 0 || end < 0) {
            return new BpfException(operation, errno, libbpfLog);
        }
        return new VerifierException(operation, errno, libbpfLog,
                libbpfLog.substring(begin + BEGIN.length(), end).strip());
    }

    /**
     * The verifier's own log, without libbpf's lines around it.
     *
     * @return the log
     */
    public String verifierLog() {
        return verifierLog;
    }
}
