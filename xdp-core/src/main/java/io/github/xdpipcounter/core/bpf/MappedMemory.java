package io.github.xdpipcounter.core.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;

/**
 * A BPF array map's value memory mapped into this process, shared with the
 * running program: a store here is seen by the next packet, with no system
 * call. libbpf makes its global-data maps (.bss, .data) mappable.
 */
public final class MappedMemory implements AutoCloseable {
    private static final MethodHandle MMAP = CapturedErrno.downcall(LibBpf.mmap$address(), LibBpf.mmap$descriptor());

    private final String mapName;
    private final long size;
    private MemorySegment memory;

    private MappedMemory(String mapName, MemorySegment memory) {
        this.mapName = mapName;
        this.size = memory.byteSize();
        this.memory = memory;
    }

    /** Maps the first {@code size} bytes of a single-entry array map created with BPF_F_MMAPABLE. */
    public static MappedMemory map(BpfMap map, long size) {
        long pageAligned = (size + 4095) & ~4095L;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = CapturedErrno.allocate(arena);
            MemorySegment address = (MemorySegment) MMAP.invokeExact(errno, MemorySegment.NULL, pageAligned,
                    LibBpf.PROT_READ() | LibBpf.PROT_WRITE(), LibBpf.MAP_SHARED(), map.fd(), 0L);
            if (address.address() == -1L) {
                throw new BpfException("memory-map BPF map " + map.name(), CapturedErrno.errno(errno));
            }
            return new MappedMemory(map.name(), address.reinterpret(pageAligned));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The mapped memory; invalid after {@link #close()}. */
    public synchronized MemorySegment segment() {
        if (memory == null) {
            throw new IllegalStateException("mapping of BPF map " + mapName + " is closed");
        }
        return memory;
    }

    /** Unmaps the memory. Idempotent. */
    @Override
    public synchronized void close() {
        if (memory != null) {
            LibBpf.munmap(memory, size);
            memory = null;
        }
    }
}
