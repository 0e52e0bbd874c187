package io.github.xdpipcounter.core.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;
import io.github.xdpipcounter.core.internal.libbpf.bpf_object_open_opts;

/**
 * A BPF ELF object opened but not loaded: nothing of it is in the kernel
 * yet, and its maps can still be resized. {@link #load()} turns it into a
 * {@link BpfObject}, as libbpf-rs' {@code OpenObject::load} does, so that
 * what belongs before the load cannot be called after it.
 *
 * <p>Close it in any case: after a load that succeeded, closing does nothing
 * (the loaded object owns what the open one held). Not thread-safe.
 */
public final class OpenBpfObject implements AutoCloseable {
    private static final MethodHandle OPEN_MEM = CapturedErrno.downcall(
            LibBpf.bpf_object__open_mem$address(), LibBpf.bpf_object__open_mem$descriptor());

    private final String name;
    private Arena arena;
    private final MemorySegment object;

    private OpenBpfObject(String name, Arena arena, MemorySegment object) {
        this.name = name;
        this.arena = arena;
        this.object = object;
    }

    /**
     * Opens an ELF object held in memory; nothing reaches the kernel until {@link #load()}.
     *
     * @param name the object's name, in messages and in the kernel
     * @param elf  the ELF object, as clang wrote it
     * @return the open object
     * @throws BpfException when libbpf cannot parse it
     */
    public static OpenBpfObject open(String name, byte[] elf) {
        SystemLibbpf.requireAvailable();
        Arena arena = Arena.ofShared();
        try (LibbpfLog.Capture log = LibbpfLog.capture()) {
            // libbpf reads the ELF again during load: the copy lives as long as the object.
            MemorySegment buffer = arena.allocate(elf.length, 8);
            MemorySegment.copy(elf, 0, buffer, ValueLayout.JAVA_BYTE, 0, elf.length);
            MemorySegment opts = bpf_object_open_opts.allocate(arena);
            bpf_object_open_opts.sz(opts, bpf_object_open_opts.sizeof());
            bpf_object_open_opts.object_name(opts, arena.allocateFrom(name));
            MemorySegment errno = CapturedErrno.allocate(arena);
            MemorySegment object = (MemorySegment) OPEN_MEM.invokeExact(errno, buffer, (long) elf.length, opts);
            if (object.address() == 0) {
                throw new BpfException("open BPF object " + name, CapturedErrno.errno(errno), log.text());
            }
            return new OpenBpfObject(name, arena, object);
        } catch (Throwable t) {
            arena.close();
            throw rethrow(t);
        }
    }

    /**
     * Opens an object shipped as a resource next to {@code anchor}. On the
     * module path the resource's package must be open to module
     * {@code io.github.xdpipcounter.core}; or read the bytes in their own
     * module and call {@link #open(String, byte[])}.
     *
     * @param name     the object's name
     * @param anchor   a class the resource name is relative to
     * @param resource the resource name, as {@link Class#getResourceAsStream} takes it
     * @return the open object
     * @throws IllegalStateException when there is no such resource
     */
    public static OpenBpfObject openResource(String name, Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("BPF object resource " + resource + " is not found next to "
                        + anchor.getName() + " (on the module path, its package must be open to io.github.xdpipcounter.core)");
            }
            return open(name, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("read BPF object resource " + resource, e);
        }
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
     * Sets a map's capacity, which the kernel allocates at load.
     *
     * @param mapName    the map
     * @param maxEntries its capacity
     * @throws BpfException when libbpf refuses
     */
    public void setMaxEntries(String mapName, int maxEntries) {
        ensureOpen();
        int ret = LibBpf.bpf_map__set_max_entries(BpfObject.findMap(name, arena, object, mapName), maxEntries);
        if (ret < 0) {
            throw new BpfException("set max entries of map " + mapName + " to " + maxEntries, -ret);
        }
    }

    /**
     * Creates the maps and verifies and loads the programs. This object is
     * spent afterwards: use the one returned.
     *
     * @throws VerifierException when the verifier rejects a program
     * @return the loaded object
     * @throws BpfException      for any other refusal
     */
    public BpfObject load() {
        ensureOpen();
        try (LibbpfLog.Capture log = LibbpfLog.capture()) {
            int ret = LibBpf.bpf_object__load(object);
            if (ret < 0) {
                throw VerifierException.ofLoad("load BPF object " + name, -ret, log.text());
            }
        }
        BpfObject loaded = new BpfObject(name, arena, object);
        arena = null;
        return loaded;
    }

    /** Frees the object unless it was loaded. Idempotent. */
    @Override
    public void close() {
        if (arena != null) {
            LibBpf.bpf_object__close(object);
            arena.close();
            arena = null;
        }
    }

    private void ensureOpen() {
        if (arena == null) {
            throw new IllegalStateException("BPF object " + name + " is closed or already loaded");
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
