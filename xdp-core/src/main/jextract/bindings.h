/*
 * The C declarations xdp-core calls into, for scripts/generate-bindings.
 * includes.txt picks the few symbols actually used out of these headers.
 */
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

#include "xdp_ip_counter.h"
