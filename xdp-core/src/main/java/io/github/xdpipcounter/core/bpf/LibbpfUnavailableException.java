package io.github.xdpipcounter.core.bpf;

/** libbpf is missing or too old; the message says what to install. */
public final class LibbpfUnavailableException extends BpfException {
    LibbpfUnavailableException(String operation, String message) {
        super(message, operation, 0, null);
    }
}
