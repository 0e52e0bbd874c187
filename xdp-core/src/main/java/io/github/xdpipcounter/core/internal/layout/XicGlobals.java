package io.github.xdpipcounter.core.internal.layout;

import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import io.github.xdpipcounter.core.bpf.BpfVariable;
import io.github.xdpipcounter.core.internal.libbpf.LibBpf;
import io.github.xdpipcounter.core.internal.libbpf.xic_config;
import io.github.xdpipcounter.core.internal.libbpf.xic_globals;
import io.github.xdpipcounter.core.internal.libbpf.xic_host_tables;
import io.github.xdpipcounter.core.internal.libbpf.xic_hosts_v4;
import io.github.xdpipcounter.core.internal.libbpf.xic_hosts_v6;

/**
 * The program's one global, {@code struct xic_globals}, in its mapped .bss
 * (libbpf-rs' typed skeleton .bss): every store is volatile, since the
 * program reads these fields while it runs.
 */
public final class XicGlobals {
    private static final long CONFIG = xic_globals.config$offset();
    private static final VarHandle CLOCK_NS = xic_config.clock_ns$layout().varHandle();
    private static final VarHandle SLOT = xic_config.slot$layout().varHandle();
    private static final VarHandle PORT_FILTER = xic_config.port_filter$layout().varHandle();
    private static final VarHandle FILTERS = xic_config.filters$layout().varHandle();
    private static final VarHandle TRANSPORTS = xic_config.transports$layout().varHandle();
    private static final VarHandle HOST_TABLES = xic_config.host_tables$layout().varHandle();
    private static final VarHandle HOST_MAPS = xic_config.host_maps$layout().varHandle();
    private static final VarHandle WORD = ValueLayout.JAVA_INT.varHandle();
    private static final long HOSTS = xic_globals.hosts$offset();
    /** Where table t of each network starts in xic_host_tables, and its size: [network][t]. */
    private static final long[][] HOST_TABLE_OFFSETS = {
            {xic_host_tables.v4$offset(), xic_host_tables.v4$offset() + xic_hosts_v4.sizeof()},
            {xic_host_tables.v6$offset(), xic_host_tables.v6$offset() + xic_hosts_v6.sizeof()}};
    private static final long[] HOST_TABLE_SIZES = {xic_hosts_v4.sizeof(), xic_hosts_v6.sizeof()};
    /** addr[bucket][way]([word]) of each network's table: buckets and ways. */
    private static final long[][] HOST_TABLE_DIMENSIONS = {xic_hosts_v4.addr$dimensions(), xic_hosts_v6.addr$dimensions()};
    private static final VarHandle PORT_BITMAP = xic_globals.port_bitmap$layout()
            .varHandle(PathElement.sequenceElement(), PathElement.sequenceElement());
    /** port_bitmap[transport][word]: its two dimensions. */
    private static final long[] PORT_BITMAP_DIMENSIONS = xic_globals.port_bitmap$dimensions();

    private final MemorySegment memory;

    public XicGlobals(BpfVariable variable) {
        if (variable.segment().byteSize() != xic_globals.sizeof()) {
            throw new IllegalArgumentException("variable " + variable.name() + " is "
                    + variable.segment().byteSize() + " bytes, not a struct xic_globals");
        }
        this.memory = variable.segment();
    }

    /** The flags of full generations, in the same global. */
    public XicFlood flood() {
        return new XicFlood(memory.asSlice(xic_globals.flood$offset(), xic_globals.flood$layout().byteSize()));
    }

    /** How many transports have a port bitmap: the first ones of enum xic_transport. */
    public static int bitmapTransports() {
        return (int) PORT_BITMAP_DIMENSIONS[0];
    }

    /** The 64-bit words of one transport's port bitmap. */
    public static int bitmapWords() {
        return (int) PORT_BITMAP_DIMENSIONS[1];
    }

    public void clockNs(long nanos) {
        CLOCK_NS.setVolatile(memory, CONFIG + xic_config.clock_ns$offset(), nanos);
    }

    public void slot(int slot) {
        SLOT.setVolatile(memory, CONFIG + xic_config.slot$offset(), slot);
    }

    public void portFilter(int transportBits) {
        PORT_FILTER.setVolatile(memory, CONFIG + xic_config.port_filter$offset(), transportBits);
    }

    /** The filters that are on: bit f for enum xic_filter f. */
    public void filters(int filterBits) {
        FILTERS.setVolatile(memory, CONFIG + xic_config.filters$offset(), filterBits);
    }

    /** The tracked transports, read under the transports filter: bit t for enum xic_transport t. */
    public void transports(int transportBits) {
        TRANSPORTS.setVolatile(memory, CONFIG + xic_config.transports$offset(), transportBits);
    }

    /** Which host table each network uses: bit n for network n (0: IPv4, 1: IPv6). */
    public void hostTables(int bits) {
        HOST_TABLES.setVolatile(memory, CONFIG + xic_config.host_tables$offset(), bits);
    }

    /** Which networks' destination host maps hold hosts: bit n for network n. */
    public void hostMaps(int bits) {
        HOST_MAPS.setVolatile(memory, CONFIG + xic_config.host_maps$offset(), bits);
    }

    /** The buckets of network n's host tables (0: IPv4, 1: IPv6). */
    public static int hostBuckets(int network) {
        return (int) HOST_TABLE_DIMENSIONS[network][0];
    }

    /** The addresses a bucket holds. */
    public static int hostWays() {
        return (int) HOST_TABLE_DIMENSIONS[0][1];
    }

    /** The multiplier of the host tables' hash, XIC_HOST_HASH. */
    public static int hostHash() {
        return LibBpf.XIC_HOST_HASH();
    }

    /**
     * Stores host table {@code table} of network n, word by word: each
     * address's bytes, bucket after bucket and way after way, as the
     * program reads them (the all-zero address for a free way).
     */
    public void hostTable(int network, int table, byte[] addresses) {
        if (addresses.length != HOST_TABLE_SIZES[network]) {
            throw new IllegalArgumentException(HOST_TABLE_SIZES[network] + " bytes of host table, not " + addresses.length);
        }
        MemorySegment source = MemorySegment.ofArray(addresses);
        long start = HOSTS + HOST_TABLE_OFFSETS[network][table];
        for (long offset = 0; offset < addresses.length; offset += Integer.BYTES) {
            WORD.setVolatile(memory, start + offset, source.get(ValueLayout.JAVA_INT_UNALIGNED, offset));
        }
    }

    /** Stores one transport's port bitmap, word by word. */
    public void portBitmap(int transport, long[] words) {
        if (words.length != bitmapWords()) {
            throw new IllegalArgumentException(bitmapWords() + " bitmap words, not " + words.length);
        }
        for (int w = 0; w < words.length; w++) {
            PORT_BITMAP.setVolatile(memory, xic_globals.port_bitmap$offset(), (long) transport, (long) w, words[w]);
        }
    }
}
