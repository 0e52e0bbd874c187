package io.github.xdpipcounter.core.bpf;

import java.lang.foreign.MemorySegment;

/**
 * A global variable of a loaded object in its memory-mapped data section,
 * as cilium/ebpf's {@code Variable}: userspace reads and writes it while the
 * program runs, with no system call. Where the program reads a field
 * concurrently, write it with a volatile store.
 */
public final class BpfVariable {
    private final Definition definition;
    private final MemorySegment memory;

    BpfVariable(Definition definition, MemorySegment sectionMemory) {
        if (definition.offset() + definition.size() > sectionMemory.byteSize()) {
            throw new IllegalArgumentException("variable " + definition.name() + " does not fit in its section "
                    + definition.section());
        }
        this.definition = definition;
        this.memory = sectionMemory.asSlice(definition.offset(), definition.size());
    }

    /**
     * The variable's name in C.
     *
     * @return the name
     */
    public String name() {
        return definition.name();
    }

    /**
     * The variable's memory: exactly its size, shared with the program.
     * Accesses fail with an {@link IllegalStateException} once the object is closed.
     *
     * @return the memory
     */
    public MemorySegment segment() {
        return memory;
    }

    /**
     * Where a variable lives.
     *
     * @param section its data section, ".bss" or ".data"
     * @param name    its name in C
     * @param offset  its offset in the section, in bytes
     * @param size    its size in bytes
     */
    public record Definition(String section, String name, long offset, long size) {
    }
}
