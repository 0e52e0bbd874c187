package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which sources are counted: a source is counted when it is in the include
 * set (or no include set is given) and not in the exclude set. A packet
 * from a source that is not counted is passed and counted as ignored,
 * {@link IgnoreReason#SOURCE_EXCLUDED}. Immutable.
 *
 * <p>Blocks of either network may be mixed; an include set of IPv4 blocks
 * only counts no IPv6 source. IPv4-mapped IPv6 sources are IPv6 sources
 * (see {@link AddressBlock}).
 *
 * <pre>{@code
 * SourceFilter.excluding(AddressSet.NON_GLOBAL.blocks())         // what the peer tool counts
 * SourceFilter.including(List.of(AddressBlock.parse("10.0.0.0/8")))
 *         .withExclude(List.of(AddressBlock.parse("10.1.0.0/16")))
 * }</pre>
 *
 * @param include the blocks to count, or empty to count every source not excluded (kept sorted)
 * @param exclude the blocks never counted (kept sorted)
 */
public record SourceFilter(Set<AddressBlock> include, Set<AddressBlock> exclude) {
    /** Every source is counted. */
    public static final SourceFilter ALL = new SourceFilter(Set.of(), Set.of());

    /**
     * Sorts and copies the sets.
     *
     * @param include the sources counted; empty for every source
     * @param exclude the sources never counted, even when included
     */
    public SourceFilter {
        include = sorted(include, "include");
        exclude = sorted(exclude, "exclude");
    }

    /**
     * Counts only sources in {@code blocks}.
     *
     * @param blocks address blocks
     * @return the filter
     */
    public static SourceFilter including(Collection<AddressBlock> blocks) {
        return ALL.withInclude(blocks);
    }

    /**
     * Counts every source except those in {@code blocks}.
     *
     * @param blocks address blocks
     * @return the filter
     */
    public static SourceFilter excluding(Collection<AddressBlock> blocks) {
        return ALL.withExclude(blocks);
    }

    /**
     * This filter with {@code blocks} as its include set (empty: no include set).
     *
     * @param blocks address blocks
     * @return this filter with {@code blocks} as its include set
     */
    public SourceFilter withInclude(Collection<AddressBlock> blocks) {
        return new SourceFilter(Set.copyOf(blocks), exclude);
    }

    /**
     * This filter with {@code blocks} as its exclude set.
     *
     * @param blocks address blocks
     * @return this filter with {@code blocks} as its exclude set
     */
    public SourceFilter withExclude(Collection<AddressBlock> blocks) {
        return new SourceFilter(include, Set.copyOf(blocks));
    }

    /**
     * True when every source is counted.
     *
     * @return true when every source is counted
     */
    public boolean isAll() {
        return include.isEmpty() && exclude.isEmpty();
    }

    /**
     * Whether a packet from {@code source} is counted.
     *
     * @param source a source address
     * @return whether a packet from {@code source} is counted
     */
    public boolean counts(InetAddress source) {
        boolean included = include.isEmpty() || include.stream().anyMatch(b -> b.contains(source));
        return included && exclude.stream().noneMatch(b -> b.contains(source));
    }

    /** {@code include 10.0.0.0/8 exclude 10.1.0.0/16}, or {@code all}. */
    @Override
    public String toString() {
        if (isAll()) {
            return "all";
        }
        StringBuilder text = new StringBuilder();
        if (!include.isEmpty()) {
            text.append("include ").append(join(include));
        }
        if (!exclude.isEmpty()) {
            text.append(text.isEmpty() ? "" : " ").append("exclude ").append(join(exclude));
        }
        return text.toString();
    }

    static String join(Set<AddressBlock> blocks) {
        return blocks.stream().map(AddressBlock::toString).collect(Collectors.joining(","));
    }

    static Set<AddressBlock> sorted(Collection<AddressBlock> blocks, String name) {
        Objects.requireNonNull(blocks, name);
        return Collections.unmodifiableSortedSet(new TreeSet<>(blocks));
    }
}
