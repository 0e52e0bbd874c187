package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.xdpipcounter.core.internal.netlink.Netlink;
import io.github.xdpipcounter.core.internal.netlink.sockaddr_nl;
import io.github.xdpipcounter.core.internal.netlink.timeval;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.AF_NETLINK;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.MSG_TRUNC;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NETLINK_ROUTE;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.NETLINK_SOCK_DIAG;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.SOCK_CLOEXEC;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.SOCK_RAW;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.SOL_SOCKET;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.SO_RCVTIMEO;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * A netlink socket (NETLINK_ROUTE, NETLINK_SOCK_DIAG), subscribed to
 * multicast groups or not, through downcalls to libc (socket, bind,
 * setsockopt, send, recv, close) that capture errno.
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
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(groupElement("errno"));

    private static final MethodHandle SOCKET = downcall(Netlink.socket$address(), Netlink.socket$descriptor());
    private static final MethodHandle BIND = downcall(Netlink.bind$address(), Netlink.bind$descriptor());
    private static final MethodHandle SETSOCKOPT = downcall(Netlink.setsockopt$address(), Netlink.setsockopt$descriptor());
    private static final MethodHandle SEND = downcall(Netlink.send$address(), Netlink.send$descriptor());
    private static final MethodHandle RECV = downcall(Netlink.recv$address(), Netlink.recv$descriptor());
    private static final MethodHandle CLOSE = downcall(Netlink.close$address(), Netlink.close$descriptor());

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
     * A socket of netlink {@code protocol} (NETLINK_ROUTE, NETLINK_SOCK_DIAG)
     * in the calling thread's network namespace, subscribed to
     * {@code groups} (RTMGRP_* bits of NETLINK_ROUTE; 0 for none), whose
     * receive gives up after {@code receiveTimeout}.
     *
     * @throws NetlinkException when the kernel refuses a step
     */
    static NetlinkSocket open(int protocol, int groups, Duration receiveTimeout) {
        String protocolName = protocolName(protocol);
        int fd;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            fd = (int) SOCKET.invokeExact(state, AF_NETLINK(), SOCK_RAW() | SOCK_CLOEXEC(), protocol);
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
            MemorySegment time = timeval.allocate(call);
            timeval.tv_sec(time, timeout.toSeconds());
            timeval.tv_usec(time, timeout.toNanosPart() / 1_000L);
            int ret = (int) SETSOCKOPT.invokeExact(callState, fd, SOL_SOCKET(), SO_RCVTIMEO(), time, (int) timeval.sizeof());
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
            MemorySegment address = sockaddr_nl.allocate(call); // zeroed: nl_pid 0 lets the kernel choose our port id
            sockaddr_nl.nl_family(address, (short) AF_NETLINK());
            sockaddr_nl.nl_groups(address, groups);
            int ret = (int) BIND.invokeExact(callState, fd, address, (int) sockaddr_nl.sizeof());
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
        return transfer(RECV, buffer, MSG_TRUNC()); // MSG_TRUNC: the datagram's real length, not what fit
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

    private static String protocolName(int protocol) {
        if (protocol == NETLINK_ROUTE()) {
            return "route";
        }
        if (protocol == NETLINK_SOCK_DIAG()) {
            return "sock_diag";
        }
        throw new IllegalArgumentException("netlink protocol " + protocol);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** The generated function's handle, capturing errno: the JVM may clobber it between two downcalls. */
    private static MethodHandle downcall(MemorySegment function, FunctionDescriptor descriptor) {
        return Linker.nativeLinker().downcallHandle(function, descriptor, Linker.Option.captureCallState("errno"));
    }
}
