/*
 * The kernel interfaces core.netlink speaks, for scripts/generate-bindings:
 * netlink's framing and the messages of NETLINK_ROUTE (links, addresses) and
 * NETLINK_SOCK_DIAG (sockets), and the socket API they go through.
 * netlink-includes.txt picks the structs, constants and functions actually
 * used (the functions' addresses and descriptors: NetlinkSocket's downcalls
 * capture errno, which jextract's do not).
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
