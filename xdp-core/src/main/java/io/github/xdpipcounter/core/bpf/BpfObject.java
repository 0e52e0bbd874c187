package io.github.xdpipcounter.core.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.Map;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;
import io.github.xdpipcounter.core.internal.libbpf.bpf_object_open_opts;

/**
 * A BPF ELF object opened from memory: its maps can be resized until
 * {@link #load()}, after which its programs and maps are in the kernel.
 * Closing it unloads everything that no link or pin still holds.
 *
 * <p>Not thread-safe while opening and loading; the {@link BpfMap}s and
 * {@link BpfProgram}s it hands out may be used from any thread until close.
 */
public final class BpfObject implements AutoCloseable {
    private static final MethodHandle OPEN_MEM = CapturedErrno.downcall(
            LibBpf.bpf_object__open_mem$address(), LibBpf.bpf_object__open_mem$descriptor());

    private final String name;
    private final Arena arena;
    private final MemorySegment object;
    private final Map<String, BpfMap> maps = new HashMap<>();
    private final Map<String, BpfProgram> programs = new HashMap<>();
    private boolean loaded;
    private boolean closed;

    private BpfObject(String name, Arena arena, MemorySegment object) {
        this.name = name;
        this.arena = arena;
        this.object = object;
    }

    /** Opens an ELF object held in memory; nothing reaches the kernel until {@link #load()}. */
    public static BpfObject open(String name, byte[] elf) {
        Libbpf.requireAvailable();
        Arena arena = Arena.ofShared();
        try (LibbpfLog.Capture log = LibbpfLog.capture()) {
            // libbpf reads the ELF again during load: the copy lives as long as the object.
            MemorySegment buffer = arena.allocate(elf.length, 8);
            MemorySegment.copy(elf, 0, buffer, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, elf.length);
            MemorySegment opts = bpf_object_open_opts.allocate(arena);
            bpf_object_open_opts.sz(opts, bpf_object_open_opts.sizeof());
            bpf_object_open_opts.object_name(opts, arena.allocateFrom(name));
            MemorySegment errno = CapturedErrno.allocate(arena);
            MemorySegment object = (MemorySegment) OPEN_MEM.invokeExact(errno, buffer, (long) elf.length, opts);
            if (object.address() == 0) {
                throw new BpfException("open BPF object " + name, CapturedErrno.errno(errno), log.text());
            }
            return new BpfObject(name, arena, object);
        } catch (Throwable t) {
            arena.close();
            throw rethrow(t);
        }
    }

    /** Opens an object shipped as a class-path resource. */
    public static BpfObject openResource(String name, Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("BPF object resource " + resource + " is missing from the class path");
            }
            return open(name, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("read BPF object resource " + resource, e);
        }
    }

    public String name() {
        return name;
    }

    /** Sets a map's capacity; only before {@link #load()}. */
    public void setMaxEntries(String mapName, int maxEntries) {
        ensureOpen();
        if (loaded) {
            throw new IllegalStateException("set max entries of map " + mapName + ": object is already loaded");
        }
        int ret = LibBpf.bpf_map__set_max_entries(findMap(mapName), maxEntries);
        if (ret < 0) {
            throw new BpfException("set max entries of map " + mapName + " to " + maxEntries, -ret);
        }
    }

    /** Creates the maps and verifies and loads the programs. */
    public void load() {
        ensureOpen();
        if (loaded) {
            return;
        }
        try (LibbpfLog.Capture log = LibbpfLog.capture()) {
            int ret = LibBpf.bpf_object__load(object);
            if (ret < 0) {
                throw new BpfException("load BPF object " + name, -ret, log.text());
            }
        }
        loaded = true;
    }

    /** A loaded map, by its name in the object (".bss" for the zero-initialised globals). */
    public synchronized BpfMap map(String mapName) {
        ensureLoaded();
        return maps.computeIfAbsent(mapName, n -> new BpfMap(n, findMap(n)));
    }

    /** A loaded program, by its C function name. */
    public synchronized BpfProgram program(String programName) {
        ensureLoaded();
        return programs.computeIfAbsent(programName, n -> {
            MemorySegment program = LibBpf.bpf_object__find_program_by_name(object, arena.allocateFrom(n));
            if (program.address() == 0) {
                throw new IllegalArgumentException("BPF object " + name + " has no program named " + n);
            }
            return new BpfProgram(n, LibBpf.bpf_program__fd(program));
        });
    }

    /** Unloads the object: its maps and programs go once no link holds them. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        maps.values().forEach(BpfMap::invalidate);
        programs.values().forEach(BpfProgram::invalidate);
        LibBpf.bpf_object__close(object);
        arena.close();
    }

    private MemorySegment findMap(String mapName) {
        MemorySegment map = LibBpf.bpf_object__find_map_by_name(object, arena.allocateFrom(mapName));
        if (map.address() == 0) {
            throw new IllegalArgumentException("BPF object " + name + " has no map named " + mapName);
        }
        return map;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("BPF object " + name + " is closed");
        }
    }

    private void ensureLoaded() {
        ensureOpen();
        if (!loaded) {
            throw new IllegalStateException("BPF object " + name + " is not loaded yet");
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
