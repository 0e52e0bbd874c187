package io.github.xdpipcounter.core.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Routes libbpf's messages into Java. While an operation runs inside
 * {@link #capture()}, its messages (the verifier log among them) are kept
 * for the exception that may follow; otherwise warnings go to the
 * {@link System.Logger} named "io.github.xdpipcounter.libbpf" and nothing is
 * printed to stderr behind the application's back.
 */
final class LibbpfLog {
    private static final System.Logger LOGGER = System.getLogger("io.github.xdpipcounter.libbpf");
    private static final int LIBBPF_WARN = 0;
    private static final int LIBBPF_INFO = 1;
    /** The verifier log arrives as one message; keep up to this much of it. */
    private static final int FORMAT_BUFFER_BYTES = 1 << 20;
    private static final ThreadLocal<StringBuilder> CAPTURED = new ThreadLocal<>();

    private static MethodHandle vsnprintf;
    private static MemorySegment formatBuffer;

    private LibbpfLog() {
    }

    /** Installs the print callback; called once, when libbpf is first used. */
    static synchronized void install() {
        Linker linker = Linker.nativeLinker();
        // va_list is passed by pointer on the ABIs we run on (x86-64, AArch64), which jextract
        // cannot express: these two handles are written by hand for that reason.
        vsnprintf = linker.downcallHandle(
                linker.defaultLookup().findOrThrow("vsnprintf"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        formatBuffer = Arena.global().allocate(FORMAT_BUFFER_BYTES);
        try {
            MethodHandle print = MethodHandles.lookup().findStatic(LibbpfLog.class, "print",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = linker.upcallStub(print,
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            LibBpf.libbpf_set_print(stub);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Starts keeping this thread's libbpf messages until the capture is closed. */
    static Capture capture() {
        StringBuilder sb = new StringBuilder();
        CAPTURED.set(sb);
        return new Capture(sb);
    }

    /** Called by libbpf, on the thread of the libbpf call that logs. */
    @SuppressWarnings("unused")
    private static int print(int level, MemorySegment format, MemorySegment args) {
        // An exception escaping an upcall would crash the JVM: none may leave here.
        try {
            if (level > LIBBPF_INFO) {
                return 0;
            }
            String message = format(format, args);
            StringBuilder captured = CAPTURED.get();
            if (captured != null) {
                captured.append(message);
            } else if (level == LIBBPF_WARN) {
                LOGGER.log(System.Logger.Level.WARNING, message.strip());
            } else {
                LOGGER.log(System.Logger.Level.DEBUG, message.strip());
            }
        } catch (Throwable ignored) {
            // Losing one log line is better than losing the process.
        }
        return 0;
    }

    private static synchronized String format(MemorySegment format, MemorySegment args) {
        try {
            int n = (int) vsnprintf.invokeExact(formatBuffer, (long) FORMAT_BUFFER_BYTES, format, args);
            return n < 0 ? "" : formatBuffer.getString(0);
        } catch (Throwable t) {
            return "(unprintable libbpf message: " + t + ")";
        }
    }

    /** This thread's messages since {@link #capture()}. */
    static final class Capture implements AutoCloseable {
        private final StringBuilder text;

        private Capture(StringBuilder text) {
            this.text = text;
        }

        String text() {
            return text.toString();
        }

        @Override
        public void close() {
            CAPTURED.remove();
        }
    }
}
