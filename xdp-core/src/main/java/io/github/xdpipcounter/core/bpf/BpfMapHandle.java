package io.github.xdpipcounter.core.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;

/**
 * A map this process creates outside any object and owns until it closes
 * it (libbpf-rs' {@code MapHandle}, cilium/ebpf's {@code NewMap}): for
 * instance an inner map to put into a map-of-maps. The kernel frees the map
 * once neither this handle nor any map-of-maps holds it.
 */
public final class BpfMapHandle implements AutoCloseable {
    /** The kernel keeps at most this many characters of a map's name. */
    private static final int NAME_LIMIT = 15;

    private final BpfMap map;

    private BpfMapHandle(BpfMap map) {
        this.map = map;
    }

    /**
     * Creates a hash map with every entry allocated up front (no
     * {@code BPF_F_NO_PREALLOC}): it holds exactly {@code maxEntries}
     * entries, and an insert beyond them fails with E2BIG.
     *
     * @param name       the map's name (the kernel keeps its first 15 characters)
     * @param keySize    the size of a key in bytes
     * @param valueSize  the size of a value in bytes
     * @param maxEntries how many entries it holds
     * @return the new map
     * @throws BpfException when the kernel refuses it, for instance ENOMEM or EPERM
     */
    public static BpfMapHandle createHash(String name, int keySize, int valueSize, int maxEntries) {
        String kernelName = name.length() > NAME_LIMIT ? name.substring(0, NAME_LIMIT) : name;
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = LibBpf.bpf_map_create(LibBpf.BPF_MAP_TYPE_HASH(), arena.allocateFrom(kernelName), keySize, valueSize,
                    maxEntries, MemorySegment.NULL);
        }
        if (fd < 0) {
            throw new BpfException("create BPF map " + name + " (hash of " + maxEntries + " entries)", -fd);
        }
        return new BpfMapHandle(new BpfMap(new MapInfo(name, keySize, valueSize, maxEntries), fd));
    }

    /**
     * The map, valid until this handle is closed.
     *
     * @return the map
     */
    public BpfMap map() {
        return map;
    }

    /** Closes this process's descriptor of the map. Idempotent. */
    @Override
    public void close() {
        map.closeDescriptor();
    }

    @Override
    public String toString() {
        return map.name();
    }
}
