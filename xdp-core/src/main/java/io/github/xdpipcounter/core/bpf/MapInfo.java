package io.github.xdpipcounter.core.bpf;

/**
 * What a loaded map is, as libbpf describes it (cilium/ebpf's {@code MapInfo}).
 *
 * @param name       the map's name in its object
 * @param keySize    the size of a key in bytes
 * @param valueSize  the size of a value in bytes (of one CPU's, in a per-CPU map)
 * @param maxEntries how many entries the map holds at most
 */
public record MapInfo(String name, int keySize, int valueSize, int maxEntries) {
}
