package io.github.xdpipcounter.core.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;

/**
 * A loaded BPF object (made by {@link OpenBpfObject#load()}): its programs
 * and maps are in the kernel. Closing it unloads everything that no link or
 * pin still holds. The {@link BpfMap}s and {@link BpfProgram}s it hands out
 * may be used from any thread until then.
 */
public final class BpfObject implements AutoCloseable {
    private final String name;
    private final Arena arena;
    private final MemorySegment object;
    private final Map<String, BpfMap> maps = new HashMap<>();
    private final Map<String, BpfProgram> programs = new HashMap<>();
    private final Map<String, MappedMemory> sections = new HashMap<>();
    private boolean closed;

    BpfObject(String name, Arena arena, MemorySegment object) {
        this.name = name;
        this.arena = arena;
        this.object = object;
    }

    /**
     * The object's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * A map, by its name in the object (".bss" for the zero-initialised globals).
     *
     * @param mapName the map's name
     * @return the map
     * @throws IllegalArgumentException when the object has no such map
     */
    public synchronized BpfMap map(String mapName) {
        ensureOpen();
        return maps.computeIfAbsent(mapName, n -> new BpfMap(n, findMap(name, arena, object, n)));
    }

    /**
     * A program, by its C function name.
     *
     * @param programName the program's function name
     * @return the program
     * @throws IllegalArgumentException when the object has no such program
     */
    public synchronized BpfProgram program(String programName) {
        ensureOpen();
        return programs.computeIfAbsent(programName, n -> {
            MemorySegment program = LibBpf.bpf_object__find_program_by_name(object, arena.allocateFrom(n));
            if (program.address() == 0) {
                throw new IllegalArgumentException("BPF object " + name + " has no program named " + n);
            }
            return new BpfProgram(n, LibBpf.bpf_program__fd(program));
        });
    }

    /**
     * A global variable, in its data section mapped into this process (once
     * per section, until the object is closed).
     *
     * @param definition where the variable lives
     * @return the variable
     */
    public synchronized BpfVariable variable(BpfVariable.Definition definition) {
        ensureOpen();
        MappedMemory section = sections.computeIfAbsent(definition.section(), s -> MappedMemory.map(map(s)));
        return new BpfVariable(definition, section.segment());
    }

    /** Unloads the object: its maps and programs go once no link holds them. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sections.values().forEach(MappedMemory::close);
        maps.values().forEach(BpfMap::forgetDescriptor);
        programs.values().forEach(BpfProgram::forgetDescriptor);
        LibBpf.bpf_object__close(object);
        arena.close();
    }

    static MemorySegment findMap(String objectName, Arena arena, MemorySegment object, String mapName) {
        MemorySegment map = LibBpf.bpf_object__find_map_by_name(object, arena.allocateFrom(mapName));
        if (map.address() == 0) {
            throw new IllegalArgumentException("BPF object " + objectName + " has no map named " + mapName);
        }
        return map;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("BPF object " + name + " is closed");
        }
    }
}
