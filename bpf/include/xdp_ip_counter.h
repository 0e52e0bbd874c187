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

/* Transports we key by destination port; the value is the key's transport field. */
enum xic_transport {
	XIC_TCP = 0,
	XIC_UDP = 1,
	XIC_UDP_LITE = 2,
	XIC_SCTP = 3,
	XIC_TRANSPORT_COUNT = 4,
};

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

/* One source of one window. Times are CLOCK_MONOTONIC nanoseconds. */
struct xic_record {
	__u64 packets;
	__u64 bytes;         /* frame length, Ethernet header included */
	__u64 first_seen_ns;
	__u64 last_seen_ns;
};

/* Why a packet was not counted; the index into xic_stats.ignored. */
enum xic_ignore_reason {
	XIC_IGNORED_NOT_IP = 0,                 /* EtherType is neither IPv4 nor IPv6 */
	XIC_IGNORED_TRANSPORT_NOT_TRACKED = 1,  /* not TCP, UDP, UDP-Lite or SCTP */
	XIC_IGNORED_PORT_FILTERED = 2,          /* destination port not selected */
	XIC_IGNORED_NON_FIRST_FRAGMENT = 3,     /* carries no transport header, so no port */
	XIC_IGNORED_MALFORMED = 4,              /* truncated or inconsistent header */
	XIC_IGNORE_REASON_COUNT = 5,
};

/*
 * Per-CPU, per-generation statistics. Counted packets are not kept here:
 * they are the sum of the records' packets, which saves ~5 ns per packet.
 */
struct xic_stats {
	__u64 ignored[XIC_IGNORE_REASON_COUNT];
	__u64 inserted;       /* new source records created in this generation */
	__u64 insert_failed;  /* records that could not be created */
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
	/* Bit t set: count transport t only on ports set in port_bitmap[t]. */
	__u32 port_filter;
};

/* Everything userspace can change at runtime, as the program's one global. */
struct xic_globals {
	struct xic_config config;
	__u64 port_bitmap[XIC_TRANSPORT_COUNT][XIC_PORT_WORDS];
};

#endif /* XDP_IP_COUNTER_H */
