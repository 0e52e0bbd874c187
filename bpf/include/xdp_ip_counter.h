/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one definition of everything the XDP program and userspace share:
 * map keys and values, the statistics and the runtime configuration.
 * The Java layouts in xdp-core are generated from this file by
 * scripts/generate-bindings; the build generates the Java twins of the
 * enums below (named as here, less the common prefix) and of the object's
 * map, program and variable names (xdp-core/src/build/java). Enums count
 * 0, 1, 2... and end with their *_COUNT.
 */
#ifndef XDP_IP_COUNTER_H
#define XDP_IP_COUNTER_H

#include <linux/types.h>

/*
 * The transports we count; the value is the key's transport field. The
 * first XIC_PORT_TRANSPORTS are keyed by destination port; ICMP and ICMPv6
 * put the message type where the port would be (as Zeek's conn.log and
 * NetFlow do), and are never port filtered.
 */
enum xic_transport {
	XIC_TCP = 0,
	XIC_UDP = 1,
	XIC_UDP_LITE = 2,
	XIC_SCTP = 3,
	XIC_ICMP = 4,    /* IPv4 protocol 1 only */
	XIC_ICMPV6 = 5,  /* IPv6 next header 58 only */
	XIC_TRANSPORT_COUNT = 6,
};

/* TCP, UDP, UDP-Lite and SCTP: the transports with a port and a port bitmap. */
#define XIC_PORT_TRANSPORTS 4

/*
 * IPv4 and IPv6 sources live in separate maps so that the IPv4 key stays
 * 8 bytes: hashing a 20-byte key costs about 5 ns more per packet.
 */
struct xic_key_v4 {
	__u32 saddr;     /* network byte order, as on the wire */
	__u16 port;      /* destination port, host byte order */
	__u8 transport;  /* enum xic_transport */
	__u8 pad;        /* always 0: keys are hashed as raw bytes */
};

struct xic_key_v6 {
	__u8 saddr[16];
	__u16 port;
	__u8 transport;
	__u8 pad;
};

/*
 * A packet and byte count that the program adds to with one atomic add
 * per packet instead of two (about 5 ns on the hit path): the low
 * XIC_BYTES_BITS bits of counts count bytes (frame length, Ethernet
 * header included), the high bits count packets. Each add returns the
 * word it found, so the program knows exactly when a field wraps and keeps
 * the count of wraps beside it:
 * - bytes past 2^XIC_BYTES_BITS carry one into the packets field: the
 *   program adds 1 to byte_carries and takes that packet back with one
 *   more add of -2^XIC_BYTES_BITS;
 * - every time the packets field wraps, up or (taking a carry back) down,
 *   packet_wraps goes up or down by one.
 * So packets = (counts >> XIC_BYTES_BITS) + packet_wraps * 2^(64 -
 * XIC_BYTES_BITS) and bytes = (counts & (2^XIC_BYTES_BITS - 1)) +
 * byte_carries * 2^XIC_BYTES_BITS, exactly, once no program runs on it
 * (packet_wraps is signed; it is never negative then).
 */
#define XIC_BYTES_BITS 40

struct xic_counts {
	__u64 counts;
	__s32 packet_wraps;
	__u32 byte_carries;
};

/*
 * One source of one window. Times are CLOCK_MONOTONIC nanoseconds. What a
 * packet of a known source writes comes first, next to the key, so that it
 * touches as few cache lines as it can.
 */
struct xic_record {
	struct xic_counts counts;
	__u64 last_seen_ns;
	__u64 first_seen_ns;
};

/* Why a packet was not counted; the index into xic_stats.ignored. */
enum xic_ignore_reason {
	XIC_IGNORED_NOT_IP = 0,                 /* EtherType is neither IPv4 nor IPv6 */
	XIC_IGNORED_TRANSPORT_NOT_TRACKED = 1,  /* not a tracked transport (see xic_config.transports) */
	XIC_IGNORED_PORT_FILTERED = 2,          /* destination port not selected */
	XIC_IGNORED_NON_FIRST_FRAGMENT = 3,     /* carries no transport header, so no port */
	XIC_IGNORED_MALFORMED = 4,              /* truncated or inconsistent header */
	XIC_IGNORED_SOURCE_EXCLUDED = 5,        /* the source filter does not count this source */
	XIC_IGNORED_NOT_FOR_THIS_HOST = 6,      /* the destination filter does not count this destination */
	XIC_IGNORED_NOT_CONNECTION_ATTEMPT = 7, /* TCP without SYN, or with ACK, under XIC_FILTER_TCP_SYN */
	XIC_IGNORE_REASON_COUNT = 8,
};

/*
 * The filters of xic_config.filters, by bit. With none set the program
 * counts TCP, UDP, UDP-Lite and SCTP from every source to every
 * destination port and address, at the cost of one load and one branch
 * per packet. Checks run in this order, the first that fails giving the
 * reason: transport, port, TCP SYN, destination, source.
 */
enum xic_filter {
	XIC_FILTER_TRANSPORTS = 0,   /* count only the transports of xic_config.transports */
	XIC_FILTER_TCP_SYN = 1,      /* count TCP only with SYN set and ACK clear */
	XIC_FILTER_DESTINATIONS = 2, /* count only destinations in destination_hosts_v4/_v6 or, with */
	                             /* XIC_FILTER_DESTINATION_PREFIXES, destinations_v4/_v6 */
	XIC_FILTER_SOURCES = 3,      /* count only sources whose sources_v4/_v6 flags say so */
	XIC_FILTER_DESTINATION_PREFIXES = 4, /* the destination filter has blocks other than hosts */
	XIC_FILTER_PORTS = 5,        /* some transport counts only selected ports (xic_config.port_filter) */
	XIC_FILTER_COUNT = 6,
};

/*
 * Keys of the LPM tries (sources_v4/_v6, destinations_v4/_v6), laid out as
 * the kernel's struct bpf_lpm_trie_key_u8 wants: the prefix length in host
 * order, then the address in network order.
 */
struct xic_prefix_v4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct xic_prefix_v6 {
	__u32 prefixlen;
	__u8 addr[16];
};

/*
 * The value of a source trie entry is a bit set of these. Userspace stores
 * on each prefix the OR of the flags of every configured prefix that
 * covers it (itself included), so the one longest-prefix match of a source
 * answers both "in the include set?" and "in the exclude set?". With no
 * include set configured, userspace stores 0.0.0.0/0 and ::/0 as included:
 * a source is counted when its flags are exactly "included".
 */
enum xic_source_flag {
	XIC_SOURCE_INCLUDED = 0,
	XIC_SOURCE_EXCLUDED = 1,
	XIC_SOURCE_FLAG_COUNT = 2,
};

/*
 * A row of the counts: (network, transport, destination port or ICMP type)
 * as one 32-bit word, the key of the overflow sketches.
 */
struct xic_row {
	__u16 port;      /* host byte order, as in the keys */
	__u8 transport;  /* enum xic_transport */
	__u8 network;    /* 0: IPv4, 1: IPv6 */
};

/*
 * The HyperLogLog registers of a row are those of Apache DataSketches'
 * HllSketch(lgConfigK = 12, HLL_8): one byte per register, register
 * (hash[0] & (K - 1)) raised to nlz(hash[1]) + 1 (at most 63), where hash
 * is MurmurHash3_x64_128 with seed 9001 over the source address bytes as
 * on the wire (4 for IPv4, 16 for IPv6). Userspace turns them into a
 * DataSketches image, so that a window's sketch unions with any other.
 */
#define XIC_SKETCH_LG_K 12
#define XIC_SKETCH_REGISTERS (1 << XIC_SKETCH_LG_K)
#define XIC_SKETCH_SEED 9001ULL

/*
 * What a row received from sources that found no room in a full
 * generation: their packets and bytes, and a sketch of their addresses.
 * A source without room never gets a record later in the same window, so
 * these sources and the records are disjoint sets. row_tag says which row
 * an entry of the overflow array holds: its struct xic_row as a 32-bit
 * word with XIC_ROW_TAKEN set, or 0 for a free entry.
 */
struct xic_overflow {
	__u32 row_tag;
	__u32 pad;
	struct xic_counts counts;
	__u8 registers[XIC_SKETCH_REGISTERS];
};

#define XIC_ROW_TAKEN 0x80000000u

/*
 * The overflow array holds XIC_SKETCH_ROWS entries per generation: entry
 * slot * XIC_SKETCH_ROWS + i. A row takes, by compare-and-swap of its
 * row_tag, the first free entry of the XIC_SKETCH_PROBES from its home
 * (row * XIC_HOST_HASH) >> (32 - XIC_SKETCH_ROW_BITS) on, wrapping around
 * (linear probing); a row that finds none shares the generation's spill
 * entry (and is marked in struct xic_spilled_rows). So a window's first
 * overflowing rows, up to XIC_SKETCH_ROWS, get a sketch of their own (a
 * few fewer when probing finds the entries near a row's home taken), and
 * the program sets xic_flood.overflowed for userspace, which reads and
 * frees the ended generation's entries after its flip.
 */
#define XIC_SKETCH_ROW_BITS 11
#define XIC_SKETCH_ROWS (1 << XIC_SKETCH_ROW_BITS)
#define XIC_SKETCH_PROBES 8

/*
 * The rows that lost sources beyond XIC_SKETCH_ROWS, one bit each, per
 * generation: bit (network * XIC_TRANSPORT_COUNT + transport) * 65536 +
 * port. Their counts are lower bounds, and userspace marks them so.
 */
#define XIC_ALL_ROWS (2 * XIC_TRANSPORT_COUNT * 65536)

struct xic_spilled_rows {
	__u64 words[XIC_ALL_ROWS / 64];
};

/*
 * The recorded-keys filter of a full generation: XIC_RECORDED_PROBES bits
 * per record key, all in one 64-bit word, set by userspace from the
 * generation's records once it is full (see struct xic_flood). A key with
 * any of its bits clear has no record, and the costly lookup miss is
 * skipped. A key that passes costs the full path a lookup miss out of line
 * (code and data cold, a branch mispredicted): measured on real frames,
 * that outweighs the filter's own cache miss, so the filter keeps few
 * false positives rather than few lines. With 65,536 records, 3 bits in a
 * word of 2^20 bits (128 KiB) let 0.8% of other keys through, where 1 bit
 * let 6.1% through and cost the full path 30% more per packet. With hash
 * the source's MurmurHash3 (see above) and row its struct xic_row as a
 * little-endian 32-bit word, a key's word is ((hash[0] >> 32) ^ row *
 * 0x9e3779b1) mod XIC_RECORDED_WORDS and its bits are (hash[1] >> 6 * i)
 * mod 64, i < XIC_RECORDED_PROBES.
 */
#define XIC_RECORDED_BITS (1u << 20)
#define XIC_RECORDED_WORDS (XIC_RECORDED_BITS / 64)
#define XIC_RECORDED_PROBES 3

struct xic_recorded {
	__u64 words[XIC_RECORDED_WORDS];
};

/*
 * Per-CPU, per-generation statistics. Counted packets are not kept here:
 * they are the sum of the records' packets, which saves ~5 ns per packet;
 * nor are records created, which are the records the generation holds (a
 * full generation stops inserting, nothing evicts), which saves a lookup
 * per new source.
 */
struct xic_stats {
	__u64 ignored[XIC_IGNORE_REASON_COUNT];
	__u64 insert_failed;  /* records that could not be created for another reason than room */
};

#define XIC_PORT_WORDS (65536 / 64)

/* Written by userspace through the memory-mapped .bss; zero means defaults. */
struct xic_config {
	/*
	 * CLOCK_MONOTONIC time, refreshed by userspace every tick, so that a
	 * packet costs a load instead of a ~30 ns bpf_ktime_get_ns(). When it
	 * is 0 (the object was loaded by another tool) the program reads the
	 * kernel's coarse clock instead.
	 */
	__u64 clock_ns;
	/* Generation the program writes: 0 or 1. */
	__u32 slot;
	/*
	 * Bit t set: count transport t only on ports set in port_bitmap[t]; t <
	 * XIC_PORT_TRANSPORTS. Read only under XIC_FILTER_PORTS.
	 */
	__u32 port_filter;
	/* Bit f set: filter f of enum xic_filter is on. 0: today's defaults, nothing else is read. */
	__u32 filters;
	/* Bit t set: transport t is counted. Read only under XIC_FILTER_TRANSPORTS. */
	__u32 transports;
	/* Bit n: which of the two host tables of network n is in use (struct xic_host_tables). */
	__u32 host_tables;
	/* Bit n set: destination_hosts_v4 (n = 0) or _v6 (n = 1) holds hosts the table could not. */
	__u32 host_maps;
};

/*
 * The single hosts (/32, /128) of the destination filter, the common case
 * (this host's addresses), as small hash tables in the global: a bucket of
 * XIC_HOST_WAYS addresses per hash, so that a check is a multiply and one
 * cache line, where a hash map lookup costs about 7 ns more per packet.
 * The all-zero address marks a free way and never matches. Hosts that do
 * not fit (a full bucket, or the all-zero address itself) go to
 * destination_hosts_v4/_v6, read only under xic_config.host_maps.
 *
 * The bucket of an IPv4 address a, read from the packet as a native
 * 32-bit word: (a * XIC_HOST_HASH) >> (32 - XIC_HOST_BUCKET_BITS_V4); of an
 * IPv6 address, the same of the xor of its four words, with
 * XIC_HOST_BUCKET_BITS_V6. Each network has two tables: userspace writes
 * the one not in use, switches xic_config.host_tables, and waits for the
 * programs that may still read the old one (see grace_period) before it
 * writes that one again.
 */
#define XIC_HOST_WAYS 4
#define XIC_HOST_BUCKET_BITS_V4 6
#define XIC_HOST_BUCKET_BITS_V6 4
#define XIC_HOST_HASH 0x9e3779b1u

struct xic_hosts_v4 {
	__u32 addr[1 << XIC_HOST_BUCKET_BITS_V4][XIC_HOST_WAYS];
};

struct xic_hosts_v6 {
	__u32 addr[1 << XIC_HOST_BUCKET_BITS_V6][XIC_HOST_WAYS][4];
};

struct xic_host_tables {
	struct xic_hosts_v4 v4[2];
	struct xic_hosts_v6 v6[2];
};

/*
 * The state of full generations, by slot s and network n (0: IPv4, 1: IPv6).
 * full[s][n] is written by the program: 1 once generation s refused a
 * record for lack of room. It then stays full, since nothing deletes records
 * within a window. filtered[s][n] is written by userspace: 1 once it has set
 * the recorded-keys filter of slot s from the full generation's records
 * (which no longer change), so that the program may skip lookups of keys it
 * does not hold. overflowed[s] is written by the program: 1 once a row took
 * an entry of the overflow array in generation s. Userspace clears all
 * three when it resets the slot.
 */
struct xic_flood {
	__u32 full[2][2];
	__u32 filtered[2][2];
	__u32 overflowed[2];
};

/*
 * Everything userspace and the program share at runtime, as the program's
 * one global. config and flood share the first cache line, which every
 * packet reads.
 */
struct xic_globals {
	struct xic_config config;
	struct xic_flood flood;
	struct xic_host_tables hosts;
	__u64 port_bitmap[XIC_PORT_TRANSPORTS][XIC_PORT_WORDS];
};

#endif /* XDP_IP_COUNTER_H */
