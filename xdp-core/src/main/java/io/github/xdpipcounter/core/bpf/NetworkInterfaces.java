package io.github.xdpipcounter.core.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;

/** Interface names to kernel indexes, in the calling thread's network namespace. */
final class NetworkInterfaces {
    private static final MethodHandle IF_NAMETOINDEX = CapturedErrno.downcall(
            LibBpf.if_nametoindex$address(), LibBpf.if_nametoindex$descriptor());

    private NetworkInterfaces() {
    }

    /**
     * The index of the named interface.
     *
     * @throws IllegalArgumentException when there is no such interface
     */
    static int indexOf(String name) {
        SystemLibbpf.requireAvailable();
        if (name.isEmpty() || name.length() >= 16 || name.contains("/") || name.isBlank()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid network interface name");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = CapturedErrno.allocate(arena);
            int index = (int) IF_NAMETOINDEX.invokeExact(errno, arena.allocateFrom(name));
            if (index == 0) {
                int err = CapturedErrno.errno(errno);
                if (err == LibBpf.ENODEV() || err == LibBpf.ENXIO()) {
                    throw new IllegalArgumentException("no network interface named '" + name + "'");
                }
                throw new BpfException("look up network interface " + name, err);
            }
            return index;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
