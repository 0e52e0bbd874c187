package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A netlink socket (NETLINK_ROUTE, NETLINK_SOCK_DIAG), subscribed to
 * multicast groups or not, through hand-written downcalls to libc (socket,
 * bind, setsockopt, send, recv, close).
 *
 * <p>It belongs to the network namespace of the thread that opens it: the
 * kernel fixes a socket's namespace in socket(2), from the calling thread;
 * reading it from a thread in another namespace changes nothing, and the
 * kernel answers its requests (dumps) about its own namespace.
 *
 * <p>Only the kernel, or a process with CAP_NET_ADMIN over this namespace,
 * can send to it: netlink refuses a send to a group or to another process's
 * socket without that capability (NL_CFG_F_NONROOT_SEND is set for neither
 * protocol), so the sender of a datagram needs no checking.
 *
 * <p>Not thread-safe: one thread at a time sends, receives and closes it.
 */
final class NetlinkSocket implements AutoCloseable {
    static final int NETLINK_ROUTE = 0;
    static final int NETLINK_SOCK_DIAG = 4;
    static final int RTMGRP_LINK = 0x1;
    static final int RTMGRP_IPV4_IFADDR = 0x10;
    static final int RTMGRP_IPV6_IFADDR = 0x100;

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int MSG_TRUNC = 0x20;

    /** struct sockaddr_nl (linux/netlink.h). */
    private static final StructLayout SOCKADDR_NL = MemoryLayout.structLayout(
            JAVA_SHORT.withName("nl_family"),
            JAVA_SHORT.withName("nl_pad"),
            JAVA_INT.withName("nl_pid"),
            JAVA_INT.withName("nl_groups"));
    /** struct timeval (sys/time.h); time_t and suseconds_t are 64-bit on LP64 Linux. */
    private static final StructLayout TIMEVAL = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_usec"));
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(groupElement("errno"));

    private static final MethodHandle SOCKET = downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SEND = downcall("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = downcall("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final int fd;
    private final String protocolName;
    private final Arena arena;
    private final MemorySegment callState;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NetlinkSocket(int fd, String protocolName) {
        this.fd = fd;
        this.protocolName = protocolName;
        this.arena = Arena.ofShared();
        this.callState = arena.allocate(CALL_STATE);
    }

    /**
     * A socket of netlink {@code protocol} in the calling thread's network
     * namespace, subscribed to {@code groups} (RTMGRP_* bits of
     * NETLINK_ROUTE; 0 for none), whose receive gives up after
     * {@code receiveTimeout}.
     *
     * @throws NetlinkException when the kernel refuses a step
     */
    static NetlinkSocket open(int protocol, int groups, Duration receiveTimeout) {
        String protocolName = switch (protocol) {
            case NETLINK_ROUTE -> "route";
            case NETLINK_SOCK_DIAG -> "sock_diag";
            default -> throw new IllegalArgumentException("netlink protocol " + protocol);
        };
        int fd;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            fd = (int) SOCKET.invokeExact(state, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                throw new NetlinkException("open a netlink " + protocolName + " socket", errno(state));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        NetlinkSocket socket = new NetlinkSocket(fd, protocolName);
        try {
            socket.setReceiveTimeout(receiveTimeout);
            socket.bind(groups);
            return socket;
        } catch (RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    private void setReceiveTimeout(Duration timeout) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment timeval = call.allocate(TIMEVAL);
            timeval.set(JAVA_LONG, TIMEVAL.byteOffset(groupElement("tv_sec")), timeout.toSeconds());
            timeval.set(JAVA_LONG, TIMEVAL.byteOffset(groupElement("tv_usec")), timeout.toNanosPart() / 1_000L);
            int ret = (int) SETSOCKOPT.invokeExact(callState, fd, SOL_SOCKET, SO_RCVTIMEO, timeval, (int) TIMEVAL.byteSize());
            if (ret != 0) {
                throw new NetlinkException("set the netlink socket's receive timeout", errno(callState));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void bind(int groups) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment address = call.allocate(SOCKADDR_NL); // zeroed: nl_pid 0 lets the kernel choose our port id
            address.set(JAVA_SHORT, SOCKADDR_NL.byteOffset(groupElement("nl_family")), (short) AF_NETLINK);
            address.set(JAVA_INT, SOCKADDR_NL.byteOffset(groupElement("nl_groups")), groups);
            int ret = (int) BIND.invokeExact(callState, fd, address, (int) SOCKADDR_NL.byteSize());
            if (ret != 0) {
                throw new NetlinkException(groups == 0 ? "bind a netlink " + protocolName + " socket"
                        : "subscribe to netlink " + protocolName + " notifications (groups 0x"
                        + Integer.toHexString(groups) + ")", errno(callState));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Sends {@code message} (one or more whole netlink messages) to the kernel.
     *
     * @param operation what the message asks for, for the exception
     * @throws NetlinkException when the kernel refuses it
     */
    void send(MemorySegment message, String operation) {
        long sent = transfer(SEND, message, 0);
        if (sent < 0) {
            throw new NetlinkException(operation, (int) -sent);
        }
        if (sent != message.byteSize()) { // a datagram socket sends all or nothing
            throw new IllegalStateException("sent " + sent + " of " + message.byteSize() + " bytes: " + operation);
        }
    }

    /**
     * Receives the next datagram into {@code buffer}. Returns its length,
     * which is more than {@code buffer.byteSize()} when it was truncated
     * (MSG_TRUNC: the rest is lost), or minus the errno: EAGAIN when the
     * receive timeout passed, ENOBUFS when the kernel dropped notifications
     * because the socket's queue was full, EINTR for a signal.
     */
    long receive(MemorySegment buffer) {
        return transfer(RECV, buffer, MSG_TRUNC); // MSG_TRUNC: the datagram's real length, not what fit
    }

    /** send(2) or recv(2) on our descriptor: the byte count, or minus the errno. */
    private long transfer(MethodHandle sendOrReceive, MemorySegment buffer, int flags) {
        if (closed.get()) {
            throw new IllegalStateException("netlink socket is closed");
        }
        try {
            long result = (long) sendOrReceive.invokeExact(callState, fd, buffer, buffer.byteSize(), flags);
            return result < 0 ? -errno(callState) : result;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Closes the socket once; later calls do nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            // Not retried on EINTR: Linux releases the descriptor even then, and
            // a retry could close a descriptor another thread has just opened.
            int ignored = (int) CLOSE.invokeExact(callState, fd);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            arena.close();
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().findOrThrow(name), descriptor,
                Linker.Option.captureCallState("errno"));
    }
}
