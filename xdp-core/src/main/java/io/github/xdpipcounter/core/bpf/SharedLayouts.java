package io.github.xdpipcounter.core.bpf;

import java.lang.foreign.MemoryLayout;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;
import io.github.xdpipcounter.core.internal.libbpf.xic_config;
import io.github.xdpipcounter.core.internal.libbpf.xic_globals;
import io.github.xdpipcounter.core.internal.libbpf.xic_key_v4;
import io.github.xdpipcounter.core.internal.libbpf.xic_key_v6;
import io.github.xdpipcounter.core.internal.libbpf.xic_record;
import io.github.xdpipcounter.core.internal.libbpf.xic_stats;

/**
 * The XDP program's shared structs (bpf/include/xdp_ip_counter.h), as
 * jextract generated them: sizes and field offsets for the code that reads
 * the program's maps, so that C and Java keep one definition.
 */
public final class SharedLayouts {
    /** struct xic_key_v4 and xic_key_v6: source address, port, transport. */
    public static final long KEY_V4_SIZE = xic_key_v4.sizeof();
    public static final long KEY_V4_SADDR = xic_key_v4.saddr$offset();
    public static final long KEY_V4_PORT = xic_key_v4.port$offset();
    public static final long KEY_V4_TRANSPORT = xic_key_v4.transport$offset();
    public static final long KEY_V6_SIZE = xic_key_v6.sizeof();
    public static final long KEY_V6_SADDR = xic_key_v6.saddr$offset();
    public static final long KEY_V6_PORT = xic_key_v6.port$offset();
    public static final long KEY_V6_TRANSPORT = xic_key_v6.transport$offset();

    /** struct xic_record: one source's counts in one window. */
    public static final long RECORD_SIZE = xic_record.sizeof();
    public static final long RECORD_PACKETS = xic_record.packets$offset();
    public static final long RECORD_BYTES = xic_record.bytes$offset();
    public static final long RECORD_FIRST_SEEN = xic_record.first_seen_ns$offset();
    public static final long RECORD_LAST_SEEN = xic_record.last_seen_ns$offset();

    /** struct xic_stats: per-CPU counters, one set per generation. */
    public static final MemoryLayout STATS = xic_stats.layout();
    public static final long STATS_IGNORED = xic_stats.ignored$offset();
    public static final long STATS_INSERTED = xic_stats.inserted$offset();
    public static final long STATS_INSERT_FAILED = xic_stats.insert_failed$offset();

    /** struct xic_globals, the program's .bss: configuration, then the port bitmaps. */
    public static final long GLOBALS_SIZE = xic_globals.sizeof();
    public static final long GLOBALS_CLOCK = xic_globals.config$offset() + xic_config.clock_ns$offset();
    public static final long GLOBALS_SLOT = xic_globals.config$offset() + xic_config.slot$offset();
    public static final long GLOBALS_PORT_FILTER = xic_globals.config$offset() + xic_config.port_filter$offset();
    public static final long GLOBALS_PORT_BITMAP = xic_globals.port_bitmap$offset();
    public static final int PORT_WORDS = LibBpf.XIC_PORT_WORDS();

    /** enum xic_transport values, the key's transport field. */
    public static final int TRANSPORT_TCP = LibBpf.XIC_TCP();
    public static final int TRANSPORT_UDP = LibBpf.XIC_UDP();
    public static final int TRANSPORT_UDPLITE = LibBpf.XIC_UDPLITE();
    public static final int TRANSPORT_SCTP = LibBpf.XIC_SCTP();
    public static final int TRANSPORT_COUNT = LibBpf.XIC_TRANSPORT_COUNT();

    /** enum xic_ignore_reason values, indexes into xic_stats.ignored. */
    public static final int IGNORED_NOT_IP = LibBpf.XIC_IGNORED_NOT_IP();
    public static final int IGNORED_TRANSPORT = LibBpf.XIC_IGNORED_TRANSPORT();
    public static final int IGNORED_PORT_FILTERED = LibBpf.XIC_IGNORED_PORT_FILTERED();
    public static final int IGNORED_FRAGMENT = LibBpf.XIC_IGNORED_FRAGMENT();
    public static final int IGNORED_MALFORMED = LibBpf.XIC_IGNORED_MALFORMED();
    public static final int IGNORE_REASON_COUNT = LibBpf.XIC_IGNORE_REASON_COUNT();

    private SharedLayouts() {
    }
}
