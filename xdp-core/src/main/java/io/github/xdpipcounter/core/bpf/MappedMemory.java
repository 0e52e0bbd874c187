package io.github.xdpipcounter.core.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;

/**
 * A BPF array map's value memory mapped into this process, shared with the
 * running program: a store here is seen by the next packet, with no system
 * call. libbpf makes its global-data maps (.bss, .data) mappable.
 *
 * <p>The mapping belongs to a shared arena: once closed, every access
 * through its segments fails with an {@link IllegalStateException}, even
 * one racing with the close, instead of touching unmapped memory.
 */
final class MappedMemory implements AutoCloseable {
    private static final MethodHandle MMAP = CapturedErrno.downcall(LibBpf.mmap$address(), LibBpf.mmap$descriptor());

    private final Arena arena;
    private final MemorySegment memory;

    private MappedMemory(Arena arena, MemorySegment memory) {
        this.arena = arena;
        this.memory = memory;
    }

    /** Maps the value of a single-entry array map created with BPF_F_MMAPABLE. */
    static MappedMemory map(BpfMap map) {
        long pageAligned = (map.info().valueSize() + 4095L) & ~4095L;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = CapturedErrno.allocate(arena);
            MemorySegment address = (MemorySegment) MMAP.invokeExact(errno, MemorySegment.NULL, pageAligned,
                    LibBpf.PROT_READ() | LibBpf.PROT_WRITE(), LibBpf.MAP_SHARED(), map.fd(), 0L);
            if (address.address() == -1L) {
                throw new BpfException("memory-map BPF map " + map.name(), CapturedErrno.errno(errno));
            }
            Arena mapping = Arena.ofShared();
            return new MappedMemory(mapping, address.reinterpret(pageAligned, mapping,
                    unmapped -> LibBpf.munmap(unmapped, pageAligned)));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The mapped memory; accesses fail once this is closed. */
    MemorySegment segment() {
        return memory;
    }

    /** Unmaps the memory. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
