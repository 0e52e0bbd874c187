package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.github.xdpipcounter.testing.Frames.ETH_P_IP;
import static io.github.xdpipcounter.testing.Frames.IPPROTO_TCP;
import static io.github.xdpipcounter.testing.Frames.ethernet;
import static io.github.xdpipcounter.testing.Frames.ipv4;
import static io.github.xdpipcounter.testing.Frames.tcp;

/**
 * Windows the loaded program counts itself, from frames fed to it through
 * BPF_PROG_TEST_RUN (no mock): for benchmarks outside this package, since
 * {@link CounterProgram} is not API. Needs root.
 */
public final class TestRunWindows implements AutoCloseable {
    private final CounterProgram program;

    private TestRunWindows(CounterProgram program) {
        this.program = program;
    }

    /** Loads the program with room for {@code maxSources} per network, counting {@code ports}. */
    public static TestRunWindows load(int maxSources, PortSelection ports) {
        CounterProgram program = CounterProgram.load(maxSources);
        try {
            program.selectPorts(ports);
            return new TestRunWindows(program);
        } catch (RuntimeException | Error e) {
            program.close();
            throw e;
        }
    }

    /** Fills a generation with n distinct IPv4 sources spread over the ports, then completes the window. */
    public Window fill(int n, int[] ports) {
        try (Arena arena = Arena.ofConfined()) {
            byte[] template = ethernet(ETH_P_IP, ipv4("10.0.0.0", "192.0.2.1", IPPROTO_TCP, tcp(40000, 443)));
            MemorySegment frame = arena.allocate(template.length);
            frame.copyFrom(MemorySegment.ofArray(template));
            long saddr = 14 + 12;
            long dport = 14 + 20 + 2;
            program.tick();
            for (int i = 0; i < n; i++) {
                frame.set(ValueLayout.JAVA_INT_UNALIGNED, saddr, Integer.reverseBytes(0x0a000000 + i));
                frame.set(ValueLayout.JAVA_SHORT_UNALIGNED, dport, Short.reverseBytes((short) ports[i % ports.length]));
                program.program().testRun(frame, 1);
            }
            Window window = program.completeWindow();
            if (window.sourceCount() != n || window.capacityExceeded()) {
                throw new IllegalStateException("expected " + n + " sources, got " + window);
            }
            return window;
        }
    }

    @Override
    public void close() {
        program.close();
    }
}
