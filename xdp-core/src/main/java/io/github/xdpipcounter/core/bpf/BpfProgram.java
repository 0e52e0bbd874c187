package io.github.xdpipcounter.core.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;
import io.github.xdpipcounter.core.internal.libbpf.bpf_test_run_opts;

/** A loaded BPF program; owned by its {@link BpfObject}. */
public final class BpfProgram {
    private final String name;
    private final FileDescriptor fd;

    BpfProgram(String name, int fd) {
        this.name = name;
        this.fd = new FileDescriptor("BPF program " + name, fd);
    }

    /**
     * The program's C function name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The program's file descriptor, valid until its object is closed.
     *
     * @return the descriptor
     */
    public int fd() {
        return fd.value();
    }

    /**
     * Runs the program on one packet in the kernel ({@code BPF_PROG_TEST_RUN})
     * without attaching it anywhere.
     *
     * @param frame  the packet from its Ethernet header on (at least 14 bytes)
     * @param repeat how many times to run it; the duration is the mean of the runs
     * @return what the program returned, and how long a run took
     * @throws BpfException when the kernel refuses the run
     */
    public TestRun testRun(MemorySegment frame, int repeat) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = bpf_test_run_opts.allocate(arena);
            bpf_test_run_opts.sz(opts, bpf_test_run_opts.sizeof());
            bpf_test_run_opts.data_in(opts, frame);
            bpf_test_run_opts.data_size_in(opts, Math.toIntExact(frame.byteSize()));
            bpf_test_run_opts.repeat(opts, repeat);
            int ret = LibBpf.bpf_prog_test_run_opts(fd(), opts);
            if (ret < 0) {
                throw new BpfException("test run of BPF program " + name + " on a " + frame.byteSize()
                        + "-byte frame", -ret);
            }
            return new TestRun(bpf_test_run_opts.retval(opts), Integer.toUnsignedLong(bpf_test_run_opts.duration(opts)));
        }
    }

    /**
     * Runs the program once on a frame held on the heap.
     *
     * @param frame the packet from its Ethernet header on
     * @return the result
     */
    public TestRun testRun(byte[] frame) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(frame.length);
            data.copyFrom(MemorySegment.ofArray(frame));
            return testRun(data, 1);
        }
    }

    /** Its object closed the descriptor. */
    void forgetDescriptor() {
        fd.forget();
    }

    /**
     * The result of a test run.
     *
     * @param returnValue       what the program returned (an XDP action, for XDP)
     * @param meanDurationNanos the mean duration of one run, as the kernel measured it
     */
    public record TestRun(int returnValue, long meanDurationNanos) {
    }
}
