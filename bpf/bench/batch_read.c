// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Benchmark baseline for scripts/bench-read: the same generation read by C
 * through libbpf, as the Java reader is. Creates generation 0 of the IPv4
 * maps as xdp-core does (a preallocated hash of N entries put into the
 * map-of-maps), fills it by running the program on N distinct frames, then
 * reads it with bpf_map_lookup_batch (read only, what the Java reader does)
 * and bpf_map_lookup_and_delete_batch (read and empty), in chunks of 8192.
 *
 *   batch_read OBJECT N   ->  "lookup_batch <ns> lookup_and_delete_batch <ns>" per source
 *
 * Or it reads a generation another process made, the very map that process
 * is about to read, through a copy of its descriptor (pidfd_getfd: root, or
 * the right to ptrace it): once at start, and once more for every line on
 * its standard input, read only, printing each figure on a line of its own.
 * The Java benchmark reads its window between two such reads.
 *
 *   batch_read --pid PID --fd FD N   ->  "lookup_batch <ns>" per source, per read
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp_ip_counter.h"

#define CHUNK 8192

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Reads every entry; returns how many, or -1. */
static long read_all(int fd, int delete)
{
	static struct xic_key_v4 keys[CHUNK];
	static struct xic_record values[CHUNK];
	__u32 in = 0, out = 0, count;
	long total = 0;
	int first = 1, err;

	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	for (;;) {
		count = CHUNK;
		err = delete ? bpf_map_lookup_and_delete_batch(fd, first ? NULL : &in, &out, keys, values, &count, &opts)
			     : bpf_map_lookup_batch(fd, first ? NULL : &in, &out, keys, values, &count, &opts);
		if (err < 0 && err != -ENOENT) {
			fprintf(stderr, "batch read failed: %s\n", strerror(-err));
			return -1;
		}
		total += count;
		if (err == -ENOENT)
			return total;
		in = out;
		first = 0;
	}
}

/* Reads the n entries the map holds: ns per entry, or -1 when it read another count. */
static double time_read_all(int fd, int delete, long n)
{
	double t0 = now_ns();
	long got = read_all(fd, delete);
	double per_entry = (now_ns() - t0) / n;

	if (got != n) {
		fprintf(stderr, "%s %ld sources, expected %ld\n", delete ? "drained" : "read", got, n);
		return -1;
	}
	return per_entry;
}

/* Reads another process's map, read only, now and after each line of standard input. */
static int read_theirs(pid_t pid, int their_fd, long n)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0);
	int map_fd = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, their_fd, 0);
	char line[64];
	double lookup;

	if (map_fd < 0) {
		fprintf(stderr, "copy descriptor %d of process %d: %s\n", their_fd, pid, strerror(errno));
		return 1;
	}
	do {
		lookup = time_read_all(map_fd, 0, n);
		if (lookup < 0)
			return 1;
		printf("lookup_batch %.0f\n", lookup);
		fflush(stdout);
	} while (fgets(line, sizeof(line), stdin));
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	unsigned char frame[54] = {
		2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00,                 /* Ethernet */
		0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 0,  /* IPv4 ... */
		192, 0, 2, 1,
		0x9c, 0x40, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02,     /* TCP to 443 */
		0xfa, 0xf0, 0, 0, 0, 0,
	};
	struct bpf_object *obj;
	int prog_fd, map_fd, outer_fd;
	__u32 slot = 0;
	double lookup, drain;

	if (argc == 6 && !strcmp(argv[1], "--pid") && !strcmp(argv[3], "--fd"))
		return read_theirs(atoi(argv[2]), atoi(argv[4]), atol(argv[5]));
	if (argc < 2) {
		fprintf(stderr, "usage: %s xdp_ip_counter.bpf.o [sources]\n"
				"       %s --pid PID --fd FD sources\n", argv[0], argv[0]);
		return 2;
	}
	libbpf_set_print(NULL);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		perror("open object");
		return 1;
	}
	if (bpf_object__load(obj)) {
		perror("load object");
		return 1;
	}
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "xdp_ip_counter"));
	map_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "gen_v4", sizeof(struct xic_key_v4), sizeof(struct xic_record), n,
				NULL);
	outer_fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "generations_v4"));
	if (map_fd < 0 || bpf_map_update_elem(outer_fd, &slot, &map_fd, BPF_ANY)) {
		perror("create generation");
		return 1;
	}

	for (long i = 0; i < n; i++) {
		__u32 saddr = htonl(0x0a000000 + i);
		LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = frame, .data_size_in = sizeof(frame), .repeat = 1);

		memcpy(frame + 26, &saddr, 4);
		if (bpf_prog_test_run_opts(prog_fd, &run)) {
			perror("test run");
			return 1;
		}
	}
	lookup = time_read_all(map_fd, 0, n);
	if (lookup < 0)
		return 1;
	drain = time_read_all(map_fd, 1, n);
	if (drain < 0)
		return 1;
	printf("lookup_batch %.0f lookup_and_delete_batch %.0f\n", lookup, drain);
	bpf_object__close(obj);
	return 0;
}
