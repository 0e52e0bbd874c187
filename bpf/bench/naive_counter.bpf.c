// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Benchmark baseline: the naive counter the issue compares against. One
 * LRU hash keyed by IPv4 source and destination port, a fixed 20-byte IPv4
 * header, no VLANs, no IPv6, no filters, no windows. Not for production:
 * it miscounts IPv4 options and fragments. Room for 1,048,576 sources, so
 * that a flood benchmark's "miss with room" is one (scripts/bench-flood).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct naive_key {
	__u32 saddr;
	__u32 port;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1048576);
	__type(key, struct naive_key);
	__type(value, __u64);
} naive_counts SEC(".maps");

SEC("xdp")
int xdp_naive_counter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);
	struct tcphdr *tcph = data + sizeof(*eth) + sizeof(*iph);
	struct naive_key key = {};
	__u64 one = 1, *count;

	if ((void *)(tcph + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || iph->protocol != IPPROTO_TCP)
		return XDP_PASS;
	key.saddr = iph->saddr;
	key.port = bpf_ntohs(tcph->dest);
	count = bpf_map_lookup_elem(&naive_counts, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&naive_counts, &key, &one, BPF_NOEXIST);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
