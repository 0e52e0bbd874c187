package io.github.xdpipcounter.core.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;

/**
 * The system libbpf ({@code libbpf.so.1}) this library runs on. Every entry
 * point of this package checks it first, so that a missing or old libbpf is
 * one clear message instead of an {@link ExceptionInInitializerError}.
 */
public final class SystemLibbpf {
    /** The oldest libbpf whose behaviour (negative errno returns, batch ops) we rely on. */
    public static final int MIN_MAJOR = 1;
    /** The oldest minor version of {@link #MIN_MAJOR} we rely on. */
    public static final int MIN_MINOR = 0;
    private static final String LIBRARY = "libbpf.so.1";
    private static final String LOAD = "load " + LIBRARY;

    private static volatile String version;

    private SystemLibbpf() {
    }

    /**
     * Checks that libbpf is present and new enough, and installs the log
     * callback; cheap after the first call.
     *
     * @throws LibbpfUnavailableException saying what to install
     */
    public static void requireAvailable() {
        if (version == null) {
            check();
        }
    }

    /**
     * The libbpf version in use, e.g. {@code "1.1"}.
     *
     * @return the version
     */
    public static String version() {
        requireAvailable();
        return version;
    }

    /**
     * The number of possible CPUs: the multiplier of every per-CPU map value.
     *
     * @return the CPUs
     */
    public static int possibleCpus() {
        requireAvailable();
        int n = LibBpf.libbpf_num_possible_cpus();
        if (n <= 0) {
            throw new BpfException("count possible CPUs", -n);
        }
        return n;
    }

    private static synchronized void check() {
        if (version != null) {
            return;
        }
        try (Arena probe = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(LIBRARY, probe);
        } catch (IllegalArgumentException e) {
            throw new LibbpfUnavailableException(LOAD, LIBRARY + " was not found: install libbpf "
                    + MIN_MAJOR + "." + MIN_MINOR + " or newer (Debian/Ubuntu: apt-get install libbpf1;"
                    + " Fedora/RHEL: dnf install libbpf)");
        }
        int major = LibBpf.libbpf_major_version();
        int minor = LibBpf.libbpf_minor_version();
        if (major < MIN_MAJOR || (major == MIN_MAJOR && minor < MIN_MINOR)) {
            throw new LibbpfUnavailableException(LOAD, "libbpf " + major + "." + minor + " is too old: install libbpf "
                    + MIN_MAJOR + "." + MIN_MINOR + " or newer (Debian/Ubuntu: apt-get install libbpf1)");
        }
        LibbpfLog.install();
        version = major + "." + minor;
    }
}
