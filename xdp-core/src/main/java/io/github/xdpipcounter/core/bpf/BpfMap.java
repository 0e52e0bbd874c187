package io.github.xdpipcounter.core.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;
import io.github.xdpipcounter.core.internal.libbpf.bpf_map_batch_opts;

/**
 * A loaded BPF map, owned by its {@link BpfObject}. Keys and values are
 * passed as native memory segments of the map's key and value sizes (for
 * per-CPU maps, {@link #perCpuValueSize()} bytes per possible CPU).
 */
public final class BpfMap {
    private final MapInfo info;
    /** From {@link #info}, kept at hand for the batch loops. */
    private final int keySize;
    private final int valueSize;
    private final FileDescriptor fd;

    BpfMap(String name, MemorySegment map) {
        this(new MapInfo(name, LibBpf.bpf_map__key_size(map), LibBpf.bpf_map__value_size(map),
                LibBpf.bpf_map__max_entries(map)), LibBpf.bpf_map__fd(map));
    }

    /** A map known by its descriptor: one of an object's, or one a {@link BpfMapHandle} owns. */
    BpfMap(MapInfo info, int fd) {
        this.info = info;
        this.keySize = info.keySize();
        this.valueSize = info.valueSize();
        this.fd = new FileDescriptor("BPF map " + info.name(), fd);
    }

    /**
     * The map's name in its object.
     *
     * @return the name
     */
    public String name() {
        return info.name();
    }

    /**
     * The map's name, key and value sizes and capacity.
     *
     * @return what the map is
     */
    public MapInfo info() {
        return info;
    }

    /**
     * The map's file descriptor, valid until its object is closed.
     *
     * @return the descriptor
     */
    public int fd() {
        return fd.value();
    }

    /**
     * The size of one CPU's value in a per-CPU map: the value size rounded up to 8.
     *
     * @return the stride of per-CPU values
     */
    public int perCpuValueSize() {
        return (valueSize + 7) & ~7;
    }

    /**
     * Copies the value of {@code key} into {@code value}; false when there is no such key.
     *
     * @param key   the key, {@code info().keySize()} bytes
     * @param value where the value goes, {@code info().valueSize()} bytes (times the CPUs in a per-CPU map)
     * @return whether the key was there
     * @throws BpfException for any error but ENOENT
     */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        return found(LibBpf.bpf_map_lookup_elem(fd(), key, value), "look up an element of");
    }

    /**
     * Creates or replaces the value of {@code key}.
     *
     * @param key   the key
     * @param value its value
     * @throws BpfException when the kernel refuses (E2BIG: the map is full)
     */
    public void update(MemorySegment key, MemorySegment value) {
        check(LibBpf.bpf_map_update_elem(fd(), key, value, LibBpf.BPF_ANY()), "update an element of");
    }

    /**
     * Deletes {@code key}; false when it was not there.
     *
     * @param key the key
     * @return whether it was there
     * @throws BpfException for any error but ENOENT
     */
    public boolean delete(MemorySegment key) {
        return found(LibBpf.bpf_map_delete_elem(fd(), key), "delete an element of");
    }

    /**
     * Writes the key after {@code key} (the first key when {@code key} is
     * {@link MemorySegment#NULL}) into {@code next}; false at the end.
     *
     * @param key  the current key, or {@link MemorySegment#NULL} for the first
     * @param next where the next key goes
     * @return false when there is no next key
     */
    public boolean nextKey(MemorySegment key, MemorySegment next) {
        return found(LibBpf.bpf_map_get_next_key(fd(), key, next), "iterate the keys of");
    }

    /**
     * Reads every entry, in chunks of up to {@code chunkEntries}, handing each
     * chunk to {@code consumer}; with {@code drain} the entries read are
     * deleted. The batch operations ({@code bpf_map_lookup_batch},
     * {@code bpf_map_lookup_and_delete_batch}) cost one system call per chunk
     * instead of two or three per entry; where the kernel does not offer them
     * for this map, or {@code strategy} is {@link ReadStrategy#PER_KEY}, the
     * map is read key by key.
     *
     * <p>Reading a map that programs are writing gives no snapshot; callers
     * read maps that nothing writes any more.
     *
     * @param strategy     how to read; batch falls back to per key where the kernel lacks it
     * @param drain        whether the entries read are deleted
     * @param chunkEntries the most entries per chunk
     * @param consumer     receives each chunk
     * @return the strategy that was used
     */
    public ReadStrategy readAll(ReadStrategy strategy, boolean drain, int chunkEntries, ChunkConsumer consumer) {
        if (strategy == ReadStrategy.BATCH && readBatched(drain, chunkEntries, consumer)) {
            return ReadStrategy.BATCH;
        }
        readPerKey(drain, chunkEntries, consumer);
        return ReadStrategy.PER_KEY;
    }

    /** False when batch operations are not supported for this map (nothing was read then). */
    private boolean readBatched(boolean drain, int chunkEntries, ChunkConsumer consumer) {
        String operation = drain ? "read and delete a batch of" : "read a batch of";
        int capacity = chunkEntries;
        try (Arena arena = Arena.ofConfined()) {
            // The batch token is opaque: a bucket index for hashes, a key for arrays.
            long tokenSize = Math.max(keySize, 8);
            MemorySegment inToken = arena.allocate(tokenSize, 8);
            MemorySegment outToken = arena.allocate(tokenSize, 8);
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment opts = bpf_map_batch_opts.allocate(arena);
            bpf_map_batch_opts.sz(opts, bpf_map_batch_opts.sizeof());
            Arena buffers = Arena.ofConfined();
            try {
                MemorySegment keys = buffers.allocate((long) keySize * capacity, 8);
                MemorySegment values = buffers.allocate((long) valueSize * capacity, 8);
                boolean first = true;
                while (true) {
                    count.set(ValueLayout.JAVA_INT, 0, capacity);
                    MemorySegment in = first ? MemorySegment.NULL : inToken;
                    int ret = drain
                            ? LibBpf.bpf_map_lookup_and_delete_batch(fd(), in, outToken, keys, values, count, opts)
                            : LibBpf.bpf_map_lookup_batch(fd(), in, outToken, keys, values, count, opts);
                    int n = count.get(ValueLayout.JAVA_INT, 0);
                    int errno = ret < 0 ? -ret : 0;
                    if (errno != 0 && errno != LibBpf.ENOENT()) {
                        if (first && n == 0 && isUnsupported(errno)) {
                            return false;
                        }
                        if (errno == LibBpf.ENOSPC() && n == 0) {
                            // One hash bucket holds more entries than the buffer: grow it and retry.
                            capacity *= 2;
                            buffers.close();
                            buffers = Arena.ofConfined();
                            keys = buffers.allocate((long) keySize * capacity, 8);
                            values = buffers.allocate((long) valueSize * capacity, 8);
                            continue;
                        }
                        throw new BpfException(operation + " BPF map " + info.name(), errno);
                    }
                    if (n > 0) {
                        consumer.accept(keys, values, n);
                    }
                    if (errno == LibBpf.ENOENT()) {
                        return true;
                    }
                    MemorySegment.copy(outToken, 0, inToken, 0, tokenSize);
                    first = false;
                }
            } finally {
                buffers.close();
            }
        }
    }

    private static boolean isUnsupported(int errno) {
        return errno == LibBpf.EINVAL() || Errno.unsupported(errno);
    }

    private void readPerKey(boolean drain, int chunkEntries, ChunkConsumer consumer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate((long) keySize * chunkEntries, 8);
            MemorySegment values = arena.allocate((long) valueSize * chunkEntries, 8);
            MemorySegment previous = MemorySegment.NULL;
            MemorySegment last = arena.allocate(keySize, 8);
            int n = 0;
            while (true) {
                MemorySegment key = keys.asSlice((long) n * keySize, keySize);
                if (!nextKey(previous, key)) {
                    break;
                }
                // A key deleted between nextKey and lookup is simply not there any more.
                if (lookup(key, values.asSlice((long) n * valueSize, valueSize))) {
                    n++;
                }
                // Deleting while iterating would restart the walk at the first bucket
                // each time; keys are deleted after the walk instead.
                previous = last.copyFrom(key);
                if (n == chunkEntries) {
                    consumer.accept(keys, values, n);
                    if (drain) {
                        deleteAll(keys, n);
                    }
                    n = 0;
                }
            }
            if (n > 0) {
                consumer.accept(keys, values, n);
                if (drain) {
                    deleteAll(keys, n);
                }
            }
        }
    }

    private void deleteAll(MemorySegment keys, int n) {
        for (int i = 0; i < n; i++) {
            delete(keys.asSlice((long) i * keySize, keySize));
        }
    }

    /** Whether a call that takes a key found it: ENOENT is an answer (false), any other error is thrown. */
    private boolean found(int ret, String operation) {
        if (ret == -LibBpf.ENOENT()) {
            return false;
        }
        check(ret, operation);
        return true;
    }

    private void check(int ret, String operation) {
        if (ret < 0) {
            throw new BpfException(operation + " BPF map " + info.name(), -ret);
        }
    }

    /** Its object closed the descriptor. */
    void forgetDescriptor() {
        fd.forget();
    }

    /** Closes the descriptor: for a map its {@link BpfMapHandle} owns. */
    void closeDescriptor() {
        fd.close();
    }

    /** How {@link #readAll} reads a map. */
    public enum ReadStrategy {
        /** Batch system calls, falling back to per-key where the kernel lacks them. */
        BATCH,
        /** One get-next-key and one lookup (and one delete) per entry. */
        PER_KEY
    }

    /** Receives entries read from a map: {@code count} keys and values, packed. */
    @FunctionalInterface
    public interface ChunkConsumer {
        /**
         * Receives one chunk; the segments are valid only during the call.
         *
         * @param keys   {@code count} keys, packed
         * @param values {@code count} values, packed
         * @param count  the entries in the chunk
         */
        void accept(MemorySegment keys, MemorySegment values, int count);
    }
}
