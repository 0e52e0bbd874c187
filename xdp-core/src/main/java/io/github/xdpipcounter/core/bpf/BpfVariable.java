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

    public String name() {
        return definition.name();
    }

    /**
     * The variable's memory: exactly its size, shared with the program.
     * Accesses fail with an {@link IllegalStateException} once the object is closed.
     */
    public MemorySegment segment() {
        return memory;
    }

    /** Where a variable lives: its data section (".bss", ".data"), name, offset and size. */
    public record Definition(String section, String name, long offset, long size) {
    }
}
