package io.github.xdpipcounter.core.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;
import io.github.xdpipcounter.core.internal.libbpf.bpf_link_create_opts;

/**
 * An XDP program attached to an interface through a BPF link. The link
 * lives as long as its file descriptor: {@link #close()} detaches it, and so
 * does the kernel when the process dies, even by SIGKILL, so a crashed JVM
 * never leaves the program attached. (The older netlink attachment stays
 * until someone removes it; that is why this class does not use it.)
 */
public final class XdpLink implements AutoCloseable {
    private final String interfaceName;
    private final int interfaceIndex;
    private final FileDescriptor fd;

    private XdpLink(String interfaceName, int interfaceIndex, FileDescriptor fd) {
        this.interfaceName = interfaceName;
        this.interfaceIndex = interfaceIndex;
        this.fd = fd;
    }

    /**
     * Attaches a program to the named interface of the calling thread's network namespace.
     *
     * @throws IllegalArgumentException when there is no such interface
     * @param program       an XDP program
     * @param interfaceName the interface
     * @param mode          the attach mode
     * @return the link: close it to detach
     * @throws BpfException             when the kernel refuses (EBUSY: another XDP program
     *                                  is attached; EOPNOTSUPP: the driver lacks the mode)
     */
    public static XdpLink attach(BpfProgram program, String interfaceName, XdpMode mode) {
        int index = NetworkInterfaces.indexOf(interfaceName);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = bpf_link_create_opts.allocate(arena);
            bpf_link_create_opts.sz(opts, bpf_link_create_opts.sizeof());
            bpf_link_create_opts.flags(opts, mode.flags());
            int ret = LibBpf.bpf_link_create(program.fd(), index, LibBpf.BPF_XDP(), opts);
            if (ret < 0) {
                throw new BpfException("attach XDP program " + program.name() + " to " + interfaceName
                        + " in " + mode.label() + " mode", -ret, null, attachHint(interfaceName, mode, -ret));
            }
            return new XdpLink(interfaceName, index, new FileDescriptor("XDP link on " + interfaceName + " (index " + index + ", "
                    + mode.label() + " mode)", ret));
        }
    }

    /** What an attach errno means for an operator, beyond its name. */
    private static String attachHint(String interfaceName, XdpMode mode, int errno) {
        if (errno == LibBpf.EBUSY() || errno == LibBpf.EEXIST()) {
            return "another XDP program is attached to " + interfaceName + " (see: ip -d link show " + interfaceName + ")";
        }
        // A driver without native or offload XDP answers EINVAL as often as EOPNOTSUPP.
        boolean unsupported = errno == LibBpf.EINVAL() || Errno.unsupported(errno);
        if (mode != XdpMode.SKB && unsupported) {
            return "the driver of " + interfaceName + " may not support " + mode.label() + " mode (skb mode works everywhere)";
        }
        return Errno.hint(errno);
    }

    /**
     * The kernel's index of the interface when the program was attached: a
     * new interface of the same name has another.
     *
     * @return the index
     */
    public int interfaceIndex() {
        return interfaceIndex;
    }

    /**
     * Whether an interface of this link's name still exists at its index, in
     * the calling thread's network namespace. False once the interface was
     * deleted (the kernel then detached the program) or renamed: the link
     * counts nothing any more, and an interface of that name, if one comes
     * back, needs a new link.
     *
     * @return whether the interface is still there
     */
    public boolean isCurrent() {
        try {
            return NetworkInterfaces.indexOf(interfaceName) == interfaceIndex;
        } catch (IllegalArgumentException gone) {
            return false;
        }
    }

    /** Detaches the program. Idempotent. */
    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return fd.toString();
    }
}
