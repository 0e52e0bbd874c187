// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Counts the unique sources that reach each (network, transport,
 * destination port or ICMP type), one record per source, in two
 * generations that userspace swaps at every window boundary. Every packet
 * passes. Filters (transports, TCP SYN, destinations, sources) are checked
 * before any map update, on a path of their own that an unfiltered packet
 * does not take; the source filter only before a record is created.
 *
 * One packet touches at most one record. The parsers follow xdp-tools'
 * parsing_helpers.h: one inline function per header over a cursor.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdp_ip_counter.h"

#define VLAN_MAX_DEPTH 2
#define IPV6_EXT_MAX_DEPTH 8
#define IP_OFFSET_MASK 0x1fff      /* IPv4 fragment offset, in 8-byte units */
#define IPV6_FRAG_OFFSET_MASK 0xfff8

#define EEXIST 17
#define E2BIG 7

#define READ_ONCE(x) (*(volatile typeof(x) *)&(x))
/*
 * Branch hints, for code layout: clang moves the unlikely side out of the
 * straight line of the IPv4 hit path, which on real frames runs with a cold
 * instruction cache, so that its instructions fill fewer cache lines.
 */
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define barrier() asm volatile("" ::: "memory")

/*
 * The generations: preallocated hashes (exactly max_entries records, then
 * -E2BIG; an LRU hash would evict other sources, early and per CPU).
 * Userspace creates every inner map itself, sized to its capacity, and
 * swaps a fresh one in after each flip, so that the ended generation is
 * read without deleting entry by entry; the outer maps start empty. The
 * template gives sizes, not BTF types: the maps userspace creates have none.
 */
struct generation_v4 {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct xic_key_v4));
	__uint(value_size, sizeof(struct xic_record));
};

struct generation_v6 {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct xic_key_v6));
	__uint(value_size, sizeof(struct xic_record));
};

/*
 * The generations are reached through map-of-maps rather than a branch
 * between two map pointers: the verifier inlines a lookup only when it
 * knows the map, and the inner lookup of a map-of-maps stays inlined.
 * Updating an entry here from userspace also waits for running programs
 * to finish (synchronize_rcu), which is what makes a window flip exact.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct generation_v4);
} generations_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct generation_v6);
} generations_v6 SEC(".maps");

/*
 * The overflow of full generations: a sketch and the packet and byte counts
 * of each row that lost a source, XIC_SKETCH_ROWS entries per slot that
 * rows take as they overflow (see XIC_SKETCH_PROBES); and one shared entry
 * per slot for rows beyond them (overflow_spill). An array, not a hash: a
 * lookup here is the flood's hot path, and an array lookup is inlined to
 * a few instructions and one cache line, where a hash lookup reads the
 * map, a bucket and the entry's key.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * XIC_SKETCH_ROWS);
	__type(key, __u32);
	__type(value, struct xic_overflow);
} overflow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct xic_overflow);
} overflow_spill SEC(".maps");

/* The rows whose overflow went to the spill, per slot (see struct xic_spilled_rows). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct xic_spilled_rows);
} spilled_rows SEC(".maps");

/* The recorded-keys filter of each slot (see struct xic_recorded). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct xic_recorded);
} recorded SEC(".maps");

/*
 * The address filters: longest-prefix-match tries that userspace sizes
 * before load and fills at run time. sources_*: enum xic_source_flag bits
 * (see the header); destinations_*: 1 for a counted destination.
 */
#define DEFAULT_MAX_PREFIXES 16384

#define PREFIX_TRIE(key_type)					\
	struct {						\
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);		\
		__uint(max_entries, DEFAULT_MAX_PREFIXES);	\
		__uint(map_flags, BPF_F_NO_PREALLOC);		\
		__type(key, key_type);				\
		__type(value, __u8);				\
	}

PREFIX_TRIE(struct xic_prefix_v4) sources_v4 SEC(".maps"), destinations_v4 SEC(".maps");
PREFIX_TRIE(struct xic_prefix_v6) sources_v6 SEC(".maps"), destinations_v6 SEC(".maps");

/*
 * The single hosts (/32, /128) of the destination filter that its tables
 * in the global could not hold (see struct xic_host_tables): an exact
 * match, which the verifier inlines and which costs the same for any
 * number of hosts, where a trie walk costs more with every level. Keys are
 * addresses in network order; value 1.
 */
#define HOST_SET(address_size)					\
	struct {						\
		__uint(type, BPF_MAP_TYPE_HASH);		\
		__uint(max_entries, DEFAULT_MAX_PREFIXES);	\
		__uint(map_flags, BPF_F_NO_PREALLOC);		\
		__type(key, __u8[address_size]);		\
		__type(value, __u8);				\
	}

HOST_SET(4) destination_hosts_v4 SEC(".maps");
HOST_SET(16) destination_hosts_v6 SEC(".maps");

/*
 * Never read by the program: userspace updates its one entry to wait for
 * every program run in progress to end, since an update of a map-of-maps
 * returns only after an RCU grace period (see struct xic_host_tables).
 */
struct grace_period_inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} grace_period_inner SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct grace_period_inner);
} grace_period SEC(".maps") = {
	.values = { [0] = &grace_period_inner },
};

/* Indexed by slot, so each window's statistics are read with its records. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct xic_stats);
} stats SEC(".maps");

/* Lives in .bss: all zeroes (count every port) until userspace writes it. */
struct xic_globals xic;

struct cursor {
	void *pos;
	void *end;
};

/* A packet that has passed every check, ready to be counted. */
struct counted {
	__u16 port;
	__u8 transport;
};

/* Negative reasons keep "ok" and "ignored" apart in one return value. */
#define IGNORE(reason) (-(1 + (reason)))

static __always_inline int ignore_reason(int ret)
{
	return -ret - 1;
}

static __always_inline int proto_is_vlan(__u16 h_proto)
{
	return h_proto == bpf_htons(ETH_P_8021Q) || h_proto == bpf_htons(ETH_P_8021AD);
}

/* Returns the EtherType after at most VLAN_MAX_DEPTH tags, network order. */
static __always_inline int parse_ethhdr(struct cursor *c, __u16 *h_proto)
{
	struct ethhdr *eth = c->pos;

	if ((void *)(eth + 1) > c->end)
		return IGNORE(XIC_IGNORED_MALFORMED);
	c->pos = eth + 1;
	*h_proto = eth->h_proto;

#pragma unroll
	for (int i = 0; i < VLAN_MAX_DEPTH; i++) {
		/* A VLAN tag: TCI, then the encapsulated EtherType. */
		__u16 *vlan = c->pos;

		if (likely(!proto_is_vlan(*h_proto)))
			break;
		if ((void *)(vlan + 2) > c->end)
			return IGNORE(XIC_IGNORED_MALFORMED);
		*h_proto = vlan[1];
		c->pos = vlan + 2;
	}
	return 0;
}

/* Returns the L4 protocol, with c->pos past the options. */
static __always_inline int parse_iphdr(struct cursor *c, struct iphdr **iphdr)
{
	struct iphdr *iph = c->pos;
	int hdrsize;

	if ((void *)(iph + 1) > c->end)
		return IGNORE(XIC_IGNORED_MALFORMED);
	if (iph->version != 4 || iph->ihl < 5)
		return IGNORE(XIC_IGNORED_MALFORMED);
	hdrsize = iph->ihl * 4;
	if (c->pos + hdrsize > c->end)
		return IGNORE(XIC_IGNORED_MALFORMED);
	/* Only the first fragment carries the transport header. */
	if (iph->frag_off & bpf_htons(IP_OFFSET_MASK))
		return IGNORE(XIC_IGNORED_NON_FIRST_FRAGMENT);
	c->pos += hdrsize;
	*iphdr = iph;
	return iph->protocol;
}

static __always_inline int is_ipv6_ext(__u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_FRAGMENT || nexthdr == IPPROTO_DSTOPTS ||
	       nexthdr == IPPROTO_AH;
}

/* Walks the extension headers; returns the upper-layer protocol. */
static __always_inline int skip_ipv6_ext(struct cursor *c, __u8 nexthdr)
{
#pragma unroll
	for (int i = 0; i < IPV6_EXT_MAX_DEPTH; i++) {
		/* Every extension header starts with next header and a length. */
		__u8 *hdr = c->pos;
		int len;

		if (!is_ipv6_ext(nexthdr))
			return nexthdr;
		if ((void *)(hdr + 8) > c->end)
			return IGNORE(XIC_IGNORED_MALFORMED);
		if (nexthdr == IPPROTO_FRAGMENT) {
			__be16 frag_off = *(__be16 *)(hdr + 2);

			if (frag_off & bpf_htons(IPV6_FRAG_OFFSET_MASK))
				return IGNORE(XIC_IGNORED_NON_FIRST_FRAGMENT);
			len = 8;
		} else if (nexthdr == IPPROTO_AH) {
			len = (hdr[1] + 2) * 4;
		} else {
			len = (hdr[1] + 1) * 8;
		}
		if (c->pos + len > c->end)
			return IGNORE(XIC_IGNORED_MALFORMED);
		nexthdr = hdr[0];
		c->pos += len;
	}
	/* Deeper chains than we walk: we cannot find the port. */
	return is_ipv6_ext(nexthdr) ? IGNORE(XIC_IGNORED_MALFORMED) : nexthdr;
}

static __always_inline int parse_ipv6hdr(struct cursor *c, struct ipv6hdr **ipv6hdr)
{
	struct ipv6hdr *ip6h = c->pos;

	if ((void *)(ip6h + 1) > c->end)
		return IGNORE(XIC_IGNORED_MALFORMED);
	if (ip6h->version != 6)
		return IGNORE(XIC_IGNORED_MALFORMED);
	c->pos = ip6h + 1;
	*ipv6hdr = ip6h;
	return skip_ipv6_ext(c, ip6h->nexthdr);
}

static __always_inline int transport_tracked(__u32 filters, __u32 transport)
{
	return (filters & (1u << XIC_FILTER_TRANSPORTS)) &&
	       ((READ_ONCE(xic.config.transports) >> transport) & 1);
}

/*
 * Maps an L4 protocol to our transport and checks that its whole minimal
 * header is present; the destination port is at offset 2 in the four port
 * transports, the ICMP type at offset 0. A transport that is not tracked is
 * not looked at. The caller passes filters as 0 on the unfiltered path, so
 * that this inlined copy checks nothing more than before the filters
 * existed, and ipv6 as a constant, so that each network keeps its own ICMP.
 */
static __always_inline int parse_l4(struct cursor *c, int protocol, struct counted *pkt,
				    __u32 filters, int ipv6)
{
	int hdrsize;

	switch (protocol) {
	case IPPROTO_TCP:
		pkt->transport = XIC_TCP;
		hdrsize = sizeof(struct tcphdr);
		break;
	case IPPROTO_UDP:
		pkt->transport = XIC_UDP;
		hdrsize = sizeof(struct udphdr);
		break;
	case IPPROTO_UDPLITE:
		pkt->transport = XIC_UDP_LITE;
		hdrsize = 8;
		break;
	case IPPROTO_SCTP:
		pkt->transport = XIC_SCTP;
		hdrsize = 12;
		break;
	case IPPROTO_ICMP:
		if (ipv6)
			return IGNORE(XIC_IGNORED_TRANSPORT_NOT_TRACKED);
		pkt->transport = XIC_ICMP;
		hdrsize = 4; /* type, code, checksum */
		break;
	case IPPROTO_ICMPV6:
		if (!ipv6)
			return IGNORE(XIC_IGNORED_TRANSPORT_NOT_TRACKED);
		pkt->transport = XIC_ICMPV6;
		hdrsize = 4;
		break;
	default:
		return IGNORE(XIC_IGNORED_TRANSPORT_NOT_TRACKED);
	}
	if (filters & (1u << XIC_FILTER_TRANSPORTS)) {
		if (!transport_tracked(filters, pkt->transport))
			return IGNORE(XIC_IGNORED_TRANSPORT_NOT_TRACKED);
	} else if (pkt->transport >= XIC_PORT_TRANSPORTS) {
		/* By default ICMP is not tracked; with filters == 0 this folds away. */
		return IGNORE(XIC_IGNORED_TRANSPORT_NOT_TRACKED);
	}
	if (c->pos + hdrsize > c->end)
		return IGNORE(XIC_IGNORED_MALFORMED);
	if (pkt->transport >= XIC_PORT_TRANSPORTS)
		pkt->port = *(__u8 *)c->pos;
	else
		pkt->port = bpf_ntohs(*(__be16 *)(c->pos + 2));
	return 0;
}

static __always_inline int port_selected(const struct counted *pkt)
{
	__u32 t = pkt->transport;

	if (!(READ_ONCE(xic.config.port_filter) & (1u << t)))
		return 1;
	return (xic.port_bitmap[t][pkt->port >> 6] >> (pkt->port & 63)) & 1;
}

/*
 * The checks of the filtered path after the transport: port (the four port
 * transports only), then TCP SYN. c->pos is at the transport header, whose
 * minimal size parse_l4 checked.
 */
static __always_inline int check_segment(const struct cursor *c, const struct counted *pkt,
					 __u32 filters)
{
	if ((filters & (1u << XIC_FILTER_PORTS)) && pkt->transport < XIC_PORT_TRANSPORTS && !port_selected(pkt))
		return IGNORE(XIC_IGNORED_PORT_FILTERED);
	if ((filters & (1u << XIC_FILTER_TCP_SYN)) && pkt->transport == XIC_TCP) {
		struct tcphdr *tcph = c->pos;

		/* A connection attempt: SYN without ACK (not a SYN-ACK, not a reset). */
		if (!tcph->syn || tcph->ack)
			return IGNORE(XIC_IGNORED_NOT_CONNECTION_ATTEMPT);
	}
	return 0;
}

/* A longest-prefix-match key for one address: the whole address is the prefix. */
static __always_inline void set_prefix_key(struct xic_prefix_v6 *key, const void *addr, int ipv6)
{
	if (ipv6) {
		key->prefixlen = 128;
		__builtin_memcpy(key->addr, addr, 16);
	} else {
		key->prefixlen = 32;
		__builtin_memcpy(key->addr, addr, 4);
	}
}

/* Whether daddr is in the host table in use of its network (see struct xic_host_tables). */
static __always_inline int host_listed(int ipv6, const void *daddr)
{
	__u32 table = (READ_ONCE(xic.config.host_tables) >> ipv6) & 1;
	__u32 a[4];

	if (ipv6) {
		__builtin_memcpy(a, daddr, 16);
		if (!(a[0] | a[1] | a[2] | a[3]))
			return 0;
		__u32 (*bucket)[4] = xic.hosts.v6[table].addr[((a[0] ^ a[1] ^ a[2] ^ a[3]) * XIC_HOST_HASH) >>
							    (32 - XIC_HOST_BUCKET_BITS_V6)];
#pragma unroll
		for (int w = 0; w < XIC_HOST_WAYS; w++) {
			if (bucket[w][0] == a[0] && bucket[w][1] == a[1] && bucket[w][2] == a[2] && bucket[w][3] == a[3])
				return 1;
		}
		return 0;
	}
	__builtin_memcpy(a, daddr, 4);
	if (!a[0])
		return 0;
	__u32 *bucket = xic.hosts.v4[table].addr[(a[0] * XIC_HOST_HASH) >> (32 - XIC_HOST_BUCKET_BITS_V4)];

	return (bucket[0] == a[0]) | (bucket[1] == a[0]) | (bucket[2] == a[0]) | (bucket[3] == a[0]);
}

/*
 * The destination: an exact match among the filter's hosts, then, only
 * when the filter has other blocks, one longest-prefix match. ipv6 is a
 * constant at each call, so each picks its own maps.
 */
static __always_inline int check_destination(__u32 filters, int ipv6, const void *daddr)
{
	/* Sized for IPv6; an IPv4 trie reads the first 8 bytes, struct xic_prefix_v4. */
	struct xic_prefix_v6 key;
	__u8 *value;

	if (!(filters & (1u << XIC_FILTER_DESTINATIONS)))
		return 0;
	if (host_listed(ipv6, daddr))
		return 0;
	if ((READ_ONCE(xic.config.host_maps) >> ipv6) & 1) {
		value = bpf_map_lookup_elem(ipv6 ? (void *)&destination_hosts_v6 : (void *)&destination_hosts_v4, daddr);
		if (value && *value)
			return 0;
	}
	if (filters & (1u << XIC_FILTER_DESTINATION_PREFIXES)) {
		set_prefix_key(&key, daddr, ipv6);
		value = bpf_map_lookup_elem(ipv6 ? (void *)&destinations_v6 : (void *)&destinations_v4, &key);
		if (value && *value)
			return 0;
	}
	return IGNORE(XIC_IGNORED_NOT_FOR_THIS_HOST);
}

/*
 * The source: checked only before a record is created (count_in's miss
 * path), never on the hit path. A record exists only for a source that
 * passed when the record was created, and userspace deletes, when the
 * source filter changes, the current generation's records of every source
 * the new filter does not count (see ProgramFilters): a record found is a
 * source counted. The check is the last of all, so the reason an ignored
 * packet gets is the same as if it ran in order.
 */
static __always_inline int check_source(__u32 filters, int ipv6, const void *saddr)
{
	struct xic_prefix_v6 key;
	__u8 *value;

	if (!(filters & (1u << XIC_FILTER_SOURCES)))
		return 0;
	set_prefix_key(&key, saddr, ipv6);
	value = bpf_map_lookup_elem(ipv6 ? (void *)&sources_v6 : (void *)&sources_v4, &key);
	if (!value || *value != (1u << XIC_SOURCE_INCLUDED))
		return IGNORE(XIC_IGNORED_SOURCE_EXCLUDED);
	return 0;
}

/*
 * Everything after the IP header: the transport and, in order, every check
 * that is on but the source (see check_source). With filters == 0 (the
 * common case, tested once) the path is that of a program without
 * filters: parse_l4 inlined with filters 0 checks nothing more, and no
 * address is looked up.
 */
static __always_inline int check_packet(struct cursor *c, int protocol, struct counted *pkt, __u32 filters,
					int ipv6, const void *daddr)
{
	int ret;

	if (likely(!filters))
		return parse_l4(c, protocol, pkt, 0, ipv6);
	ret = parse_l4(c, protocol, pkt, filters, ipv6);
	if (ret < 0)
		return ret;
	ret = check_segment(c, pkt, filters);
	if (ret < 0)
		return ret;
	return check_destination(filters, ipv6, daddr);
}

/*
 * The key's last word (port, transport, pad) as one 32-bit value. The hash
 * reads keys by 32-bit words: a word written by three narrower stores
 * cannot be forwarded from the store buffer, and the lookup then stalls
 * (about 8 ns per packet on the hit path); written whole, it is forwarded.
 */
static __always_inline __u32 key_tail(const struct counted *pkt)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (__u32)pkt->port | (__u32)pkt->transport << 16;
#else
	return (__u32)pkt->port << 16 | (__u32)pkt->transport << 8;
#endif
}

#define BYTES_MASK ((1ULL << XIC_BYTES_BITS) - 1)
#define ONE_PACKET (1ULL << XIC_BYTES_BITS)

/*
 * Notes a wrap of the packets field, or of the bytes field into it (see
 * struct xic_counts): at most once per 2^24 packets or 2^40 bytes of one
 * count in one window, so out of line.
 */
static __noinline int count_wraps(struct xic_counts *c, __u64 old, __u64 bytes)
{
	__u64 carry = ((old & BYTES_MASK) + bytes) >> XIC_BYTES_BITS;

	if ((old >> XIC_BYTES_BITS) + 1 + carry > (~0ULL >> XIC_BYTES_BITS))
		__sync_fetch_and_add(&c->packet_wraps, 1);
	if (carry) {
		__sync_fetch_and_add(&c->byte_carries, 1);
		/* Take back the carry's packet; a packets field at 0 wraps down. */
		old = __sync_fetch_and_add(&c->counts, -ONE_PACKET);
		if (!(old >> XIC_BYTES_BITS))
			__sync_fetch_and_add(&c->packet_wraps, -1);
	}
	return 0;
}

/* Counts one packet of bytes; atomic, since two CPUs may count into one at once. */
static __always_inline void add_packet(struct xic_counts *c, __u64 bytes)
{
	__u64 old = __sync_fetch_and_add(&c->counts, ONE_PACKET + bytes);

	if (unlikely((old & BYTES_MASK) + bytes > BYTES_MASK || (old >> XIC_BYTES_BITS) == (~0ULL >> XIC_BYTES_BITS)))
		count_wraps(c, old, bytes);
}

static __always_inline void add_to(struct xic_record *rec, __u64 bytes, __u64 now)
{
	add_packet(&rec->counts, bytes);
	rec->last_seen_ns = now;
}

static __always_inline void count_insert_failed(__u32 *slot)
{
	/* Only a failed insert pays for the statistics lookup. */
	struct xic_stats *st = bpf_map_lookup_elem(&stats, slot);

	if (st)
		st->insert_failed++;
}

/*
 * MurmurHash3_x64_128 as DataSketches computes it (MurmurHash3.hash(byte[],
 * seed)) over a 4- or 16-byte address, unrolled for those two lengths: no
 * loop, only multiplies, xors and shifts.
 */
#define MM_C1 0x87c37b91114253d5ULL
#define MM_C2 0x4cf5ad432745937fULL

struct source_hash {
	__u64 h1;
	__u64 h2;
};

static __always_inline __u64 rotl64(__u64 x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static __always_inline __u64 fmix64(__u64 k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

static __always_inline __u64 mix_k1(__u64 k)
{
	k *= MM_C1;
	k = rotl64(k, 31);
	return k * MM_C2;
}

static __always_inline __u64 mix_k2(__u64 k)
{
	k *= MM_C2;
	k = rotl64(k, 33);
	return k * MM_C1;
}

static __always_inline void mm_final(__u64 h1, __u64 h2, __u64 len, struct source_hash *out)
{
	h1 ^= len;
	h2 ^= len;
	h1 += h2;
	h2 += h1;
	h1 = fmix64(h1);
	h2 = fmix64(h2);
	h1 += h2;
	h2 += h1;
	out->h1 = h1;
	out->h2 = h2;
}

/*
 * The hash of a source address (network order in memory). The bytes are
 * read as little-endian words, as DataSketches reads them: on a
 * little-endian host that is a plain load.
 */
static __always_inline void hash_source(int ipv6, const void *saddr, struct source_hash *out)
{
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the sketch hash reads addresses as little-endian words"
#endif
	if (ipv6) {
		/* One 16-byte block, no tail. in6_addr is 4-aligned: two 32-bit loads per word. */
		__u64 lo, hi, h1, h2 = XIC_SKETCH_SEED;

		__builtin_memcpy(&lo, saddr, 8);
		__builtin_memcpy(&hi, saddr + 8, 8);
		h1 = XIC_SKETCH_SEED ^ mix_k1(lo);
		h1 = rotl64(h1, 27) + h2;
		h1 = h1 * 5 + 0x52dce729;
		h2 ^= mix_k2(hi);
		h2 = rotl64(h2, 31) + h1;
		h2 = h2 * 5 + 0x38495ab5;
		mm_final(h1, h2, 16, out);
	} else {
		/* A 4-byte tail only: k1 is the address zero-extended. */
		mm_final(XIC_SKETCH_SEED ^ mix_k1(*(const __u32 *)saddr), XIC_SKETCH_SEED, 4, out);
	}
}

/* min(number of leading zeros of x, 62) + 1, as DataSketches' coupon value; BPF has no clz. */
static __always_inline __u32 register_value(__u64 x)
{
	__u32 zeros;

	x |= x >> 1;
	x |= x >> 2;
	x |= x >> 4;
	x |= x >> 8;
	x |= x >> 16;
	x |= x >> 32;
	x -= (x >> 1) & 0x5555555555555555ULL;
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	zeros = 64 - (__u32)((x * 0x0101010101010101ULL) >> 56);
	return (zeros > 62 ? 62 : zeros) + 1;
}

/*
 * Raises the source's register to its value. Registers only grow, and a
 * store happens only on an increase (rare once a sketch has seen a few
 * thousand sources); the store is a compare-and-swap on the aligned word
 * of eight registers, so that two CPUs raising registers of one word at
 * once cannot undo each other's increase.
 */
static __always_inline void sketch_update(struct xic_overflow *row, const struct source_hash *h)
{
	__u32 slot = h->h1 & (XIC_SKETCH_REGISTERS - 1);
	__u64 value = register_value(h->h2);
	__u32 shift = (slot & 7) * 8;
	__u64 *word = (__u64 *)&row->registers[slot & ~7u];

#pragma unroll
	for (int i = 0; i < 4; i++) {
		__u64 old = READ_ONCE(*word);

		if (likely(value <= ((old >> shift) & 0xff)))
			break;
		if (__sync_val_compare_and_swap(word, old, (old & ~(0xffULL << shift)) | (value << shift)) == old)
			break;
	}
}

/*
 * Counts a packet of a source that found no room into its row's overflow
 * entry, which the first such packet of a row takes (see
 * XIC_SKETCH_PROBES). A subprogram, so that both networks share one copy.
 */
static __noinline int count_overflow(__u32 slot, __u32 row, __u64 h1, __u64 h2, __u64 bytes)
{
	struct source_hash h = { .h1 = h1, .h2 = h2 };
	__u32 tag = row | XIC_ROW_TAKEN;
	__u32 home = (row * XIC_HOST_HASH) >> (32 - XIC_SKETCH_ROW_BITS);
	struct xic_overflow *entry = NULL;
	/* Apart from slot, whose address the map lookups take: a copy on the stack would lose its bound. */
	__u32 s = slot & 1;

	slot &= 1;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < XIC_SKETCH_PROBES; i++) {
		__u32 index = s * XIC_SKETCH_ROWS + ((home + i) & (XIC_SKETCH_ROWS - 1));
		struct xic_overflow *e = bpf_map_lookup_elem(&overflow, &index);
		__u32 seen;

		if (!e)
			break;
		seen = READ_ONCE(e->row_tag);
		if (likely(seen == tag)) {
			entry = e;
			break;
		}
		if (!seen) {
			/* A free entry: take it, unless another CPU just took it for another row. */
			seen = __sync_val_compare_and_swap(&e->row_tag, 0, tag);
			if (!seen && !READ_ONCE(xic.flood.overflowed[s]))
				xic.flood.overflowed[s] = 1;
			if (!seen || seen == tag) {
				entry = e;
				break;
			}
		}
	}
	if (unlikely(!entry)) {
		/* No entry for this row: counted in the spill, and the row marked. */
		struct xic_spilled_rows *spilled = bpf_map_lookup_elem(&spilled_rows, &slot);
		__u32 bit = ((row >> 24) * XIC_TRANSPORT_COUNT + ((row >> 16) & 0xff)) * 65536 + (row & 0xffff);
		__u32 word = bit / 64;

		/*
		 * Opaque to clang, which would otherwise fold the index into
		 * (bit >> 3) & ~7, a range the verifier cannot bound to the map.
		 */
		asm volatile("" : "+r"(word));
		if (spilled && word < XIC_ALL_ROWS / 64)
			__sync_fetch_and_or(&spilled->words[word], 1ULL << (bit % 64));
		entry = bpf_map_lookup_elem(&overflow_spill, &slot);
		if (!entry)
			return 0;
	}
	add_packet(&entry->counts, bytes);
	sketch_update(entry, &h);
	return 0;
}

/*
 * The recorded-keys filter word of a record key, and in mask its
 * XIC_RECORDED_PROBES bits (see struct xic_recorded).
 */
static __always_inline __u64 *recorded_word(__u32 *slot, const struct source_hash *h, __u32 row, __u64 *mask)
{
	struct xic_recorded *filter = bpf_map_lookup_elem(&recorded, slot);
	__u32 word = ((__u32)(h->h1 >> 32) ^ (row * 0x9e3779b1u)) & (XIC_RECORDED_WORDS - 1);
	__u64 bits = 0;

	if (!filter)
		return NULL;
#pragma unroll
	for (int i = 0; i < XIC_RECORDED_PROBES; i++)
		bits |= 1ULL << ((h->h2 >> (6 * i)) & 63);
	*mask = bits;
	return &filter->words[word];
}

static __always_inline __u64 now_ns(void)
{
	__u64 now = READ_ONCE(xic.config.clock_ns);

	return now ? now : bpf_ktime_get_coarse_ns();
}

/* The record of key in generation slot of its network, or NULL. */
static __always_inline struct xic_record *find_record(int ipv6, __u32 *slot, const void *key)
{
	void *generation = bpf_map_lookup_elem(ipv6 ? (void *)&generations_v6 : (void *)&generations_v4, slot);

	return generation ? bpf_map_lookup_elem(generation, key) : NULL;
}

/*
 * A packet whose generation is full (see count_in): counted into its
 * record if it has one, else into its row's overflow entry. Out of line,
 * so that the hit path and the miss with room fill fewer cache lines; one
 * copy for both networks (ipv6 is a constant at each call), which costs
 * the generation lookup its inlining, paid only when the recorded-keys
 * filter says the key may be there. where: the row, and the slot in bit
 * 32; bytes_filters: the frame's bytes, high word, and the filters.
 */
static __noinline int count_full(const void *key, const void *saddr, int ipv6, __u64 where, __u64 bytes_filters)
{
	__u32 row = (__u32)where;
	__u32 slot = (where >> 32) & 1;
	__u64 bytes = bytes_filters >> 32;
	struct xic_record *rec = NULL;
	struct source_hash h;
	__u64 *word, mask;
	int err;

	hash_source(ipv6, saddr, &h);
	if (READ_ONCE(xic.flood.filtered[slot][ipv6])) {
		/* A key with a filter bit clear has no record: skip the generation altogether. */
		word = recorded_word(&slot, &h, row, &mask);
		if (!word || (READ_ONCE(*word) & mask) == mask)
			rec = find_record(ipv6, &slot, key);
	} else {
		rec = find_record(ipv6, &slot, key);
	}
	if (rec) {
		add_to(rec, bytes, now_ns());
		return 0;
	}
	err = check_source((__u32)bytes_filters, ipv6, saddr);
	if (err < 0)
		return err;
	count_overflow(slot, row, h.h1, h.h2, bytes);
	return 0;
}

/*
 * Counts into the source's record, creating it when the source filter
 * counts the source and the generation has room; returns 0, or
 * IGNORE(reason) when the source filter does not count it. A source that
 * finds no room is counted in its row's overflow entry. Only full
 * generations hash the source: the hit path and the miss with room do
 * not.
 */
static __always_inline int count_in(void *generations, const void *key, __u32 *slot, __u32 row,
				    __u64 bytes, __u64 now, __u32 filters, int ipv6, const void *saddr)
{
	__u32 s = *slot & 1;
	struct xic_record *rec;
	void *generation;
	struct source_hash h;
	int err;

	if (unlikely(READ_ONCE(xic.flood.full[s][ipv6])))
		return count_full(key, saddr, ipv6, (__u64)s << 32 | row, bytes << 32 | filters);
	generation = bpf_map_lookup_elem(generations, slot);
	if (!generation)
		return 0;
	rec = bpf_map_lookup_elem(generation, key);
	if (likely(rec)) {
		add_to(rec, bytes, now);
		return 0;
	}
	err = check_source(filters, ipv6, saddr);
	if (err < 0)
		return err;
	struct xic_record fresh = {
		.counts.counts = ONE_PACKET + bytes, .first_seen_ns = now, .last_seen_ns = now,
	};

	err = bpf_map_update_elem(generation, key, &fresh, BPF_NOEXIST);
	if (likely(!err))
		return 0;
	/* Another CPU created the record first: count into that one. */
	if (err == -EEXIST) {
		rec = bpf_map_lookup_elem(generation, key);
		if (rec) {
			add_to(rec, bytes, now);
			return 0;
		}
	}
	if (err == -E2BIG)
		xic.flood.full[s][ipv6] = 1;
	else
		count_insert_failed(slot);
	hash_source(ipv6, saddr, &h);
	count_overflow(s, row, h.h1, h.h2, bytes);
	return 0;
}

/*
 * The IPv6 path from its IP header on: the IPv4 path's twin, in a
 * subprogram of its own so that its instructions do not lie among the
 * IPv4 path's (see likely()). Returns 0 or IGNORE(reason).
 */
static __noinline int count_ipv6(void *pos, void *end, __u32 slot, __u32 filters, __u64 bytes)
{
	struct cursor c = { .pos = pos, .end = end };
	struct counted pkt = {};
	struct ipv6hdr *ip6h;
	struct xic_key_v6 key;
	int ret;

	ret = parse_ipv6hdr(&c, &ip6h);
	if (ret < 0)
		return ret;
	ret = check_packet(&c, ret, &pkt, filters, 1, &ip6h->daddr);
	if (ret < 0)
		return ret;
	__builtin_memcpy(key.saddr, &ip6h->saddr, sizeof(key.saddr));
	*(__u32 *)&key.port = key_tail(&pkt);
	return count_in(&generations_v6, &key, &slot, *(__u32 *)&key.port | 1u << 24, bytes, now_ns(), filters, 1,
			&ip6h->saddr);
}

SEC("xdp")
int xdp_ip_counter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct cursor c = { .pos = data, .end = data_end };
	__u32 slot = READ_ONCE(xic.config.slot) & 1;
	__u32 filters = READ_ONCE(xic.config.filters);
	struct counted pkt = {};
	struct iphdr *iph;
	struct xic_stats *st;
	__u16 h_proto;
	int ret;

	/*
	 * The slot is read before the clock, and userspace writes the clock
	 * before the slot: a packet in a new generation never carries a time
	 * from before that generation's window began.
	 */
	barrier();

	/*
	 * The IPv4 and IPv6 paths below look alike but are kept apart on
	 * purpose: merged, clang selects the generations map by a branch, and
	 * the verifier then stops inlining the lookups (~14 ns per packet).
	 */
	ret = parse_ethhdr(&c, &h_proto);
	if (ret < 0)
		goto ignored;
	if (h_proto == bpf_htons(ETH_P_IP)) {
		ret = parse_iphdr(&c, &iph);
		if (ret < 0)
			goto ignored;
		ret = check_packet(&c, ret, &pkt, filters, 0, &iph->daddr);
		if (ret < 0)
			goto ignored;
		struct xic_key_v4 key;

		key.saddr = iph->saddr;
		*(__u32 *)&key.port = key_tail(&pkt);
		ret = count_in(&generations_v4, &key, &slot, *(__u32 *)&key.port, data_end - data, now_ns(), filters, 0,
			       &iph->saddr);
		if (ret < 0)
			goto ignored;
		return XDP_PASS;
	}
	if (h_proto == bpf_htons(ETH_P_IPV6)) {
		ret = count_ipv6(c.pos, c.end, slot, filters, data_end - data);
		if (ret < 0)
			goto ignored;
		return XDP_PASS;
	}
	ret = IGNORE(XIC_IGNORED_NOT_IP);

ignored:
	st = bpf_map_lookup_elem(&stats, &slot);
	if (st)
		st->ignored[ignore_reason(ret)]++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
