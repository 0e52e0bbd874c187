package io.github.xdpipcounter.core.internal.layout;

import java.lang.foreign.MemorySegment;

import io.github.xdpipcounter.core.bpf.BpfVariable;

/** What the typed views of the program's global variables share. */
final class Variables {
    private Variables() {
    }

    /**
     * The variable's memory, checked to be the size of the C type it is viewed as.
     *
     * @throws IllegalArgumentException when the object's variable is of another size
     */
    static MemorySegment memoryOf(BpfVariable variable, long size, String type) {
        if (variable.segment().byteSize() != size) {
            throw new IllegalArgumentException("variable " + variable.name() + " is "
                    + variable.segment().byteSize() + " bytes, not a " + type);
        }
        return variable.segment();
    }
}
