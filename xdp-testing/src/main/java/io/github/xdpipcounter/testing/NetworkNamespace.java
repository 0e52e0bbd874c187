package io.github.xdpipcounter.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A network namespace this test run made (and removes, with its interfaces,
 * on close). Code that must see its interfaces runs {@link #inside} it, on a
 * thread of its own that has joined the namespace: the rest of the JVM stays
 * in the host namespace.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;

    private final String name;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /**
     * A namespace with a name unique to this process and test run, loopback up.
     *
     * @param role a word in its name, e.g. "ctr"
     * @return the namespace
     */
    public static NetworkNamespace create(String role) {
        String name = "xic-" + role + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        Commands.run(LIMIT, "ip", "netns", "add", name);
        NetworkNamespace ns = new NetworkNamespace(name);
        try {
            ns.ip("link", "set", "lo", "up");
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /**
     * Joins two namespaces with a veth pair, created inside them: it never
     * exists in the host namespace. Names are kept under 16 characters.
     *
     * @param a       one namespace
     * @param nameInA the pair's end in it
     * @param b       the other namespace
     * @param nameInB the pair's end in that one
     */
    public static void veth(NetworkNamespace a, String nameInA, NetworkNamespace b, String nameInB) {
        Commands.run(LIMIT, "ip", "link", "add", nameInA, "netns", a.name, "type", "veth", "peer", "name", nameInB,
                "netns", b.name);
        a.ip("link", "set", nameInA, "up");
        b.ip("link", "set", nameInB, "up");
    }

    /**
     * The namespaces of {@code role} this process made that still exist:
     * none, once every test that made one has closed it.
     *
     * @param role the role given when the namespaces were made
     * @return their names
     */
    public static List<String> leftBehind(String role) {
        String prefix = "xic-" + role + "-" + ProcessHandle.current().pid() + "-";
        return Commands.run(LIMIT, "ip", "netns", "list").lines().filter(line -> line.startsWith(prefix)).toList();
    }

    /**
     * A short interface name unique to this process.
     *
     * @param prefix a short prefix
     * @return the name
     */
    public static String interfaceName(String prefix) {
        return prefix + Long.toString(ProcessHandle.current().pid() % 100_000, 36) + SEQUENCE.incrementAndGet();
    }

    /**
     * The namespace's name, as {@code ip netns} knows it.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * {@code ip ARGS} inside the namespace.
     *
     * @param args the arguments
     * @return its output
     */
    public String ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        return Commands.run(LIMIT, cmd);
    }

    /**
     * Runs a command inside the namespace, within {@code limit}.
     *
     * @param limit   how long it may run
     * @param command the program and its arguments
     * @return its output
     */
    public String exec(Duration limit, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return Commands.run(limit, cmd);
    }

    /**
     * True when an XDP program is attached to the interface.
     *
     * @param interfaceName an interface in the namespace
     * @return whether XDP is attached
     */
    public boolean hasXdp(String interfaceName) {
        return ip("-d", "link", "show", "dev", interfaceName).contains("xdp");
    }

    /**
     * Waits up to {@code limit} for the interface to have XDP attached or not
     * (the kernel detaches a dead process's links shortly after it exits);
     * returns whether it is attached at the end.
     *
     * @param interfaceName an interface in the namespace
     * @param attached      the state to wait for
     * @param limit         how long to wait
     * @return whether XDP is attached at the end
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitXdp(String interfaceName, boolean attached, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (hasXdp(interfaceName) != attached && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return hasXdp(interfaceName);
    }

    /**
     * Runs {@code task} on a new thread that has joined this namespace.
     *
     * @param <T>  what the task returns
     * @param task the code to run
     * @return what it returned
     * @throws Exception what it threw
     */
    public <T> T inside(Callable<T> task) throws Exception {
        FutureTask<T> future = new FutureTask<>(() -> {
            try {
                join();
            } catch (Throwable t) {
                throw new IllegalStateException("could not join namespace " + name, t);
            }
            return task.call();
        });
        Thread thread = Thread.ofPlatform().name("netns-" + name).start(future);
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } finally {
            thread.join();
        }
    }

    private void join() throws Throwable {
        Linker linker = Linker.nativeLinker();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        MethodHandle open = linker.downcallHandle(linker.defaultLookup().findOrThrow("open"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
        MethodHandle setns = linker.downcallHandle(linker.defaultLookup().findOrThrow("setns"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), errno);
        MethodHandle close = linker.downcallHandle(linker.defaultLookup().findOrThrow("close"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) open.invokeExact(arena.allocateFrom("/run/netns/" + name), O_RDONLY);
            if (fd < 0) {
                throw new IllegalStateException("cannot open /run/netns/" + name);
            }
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int ret = (int) setns.invokeExact(state, fd, CLONE_NEWNET);
            int ignored = (int) close.invokeExact(fd);
            if (ret != 0) {
                throw new IllegalStateException("setns into " + name + " failed");
            }
        }
    }

    /** Removes the namespace and every interface in it. Idempotent. */
    @Override
    public void close() {
        try {
            Commands.run(LIMIT, "ip", "netns", "delete", name);
        } catch (IllegalStateException e) {
            if (!e.getMessage().contains("No such file")) {
                throw e;
            }
        }
    }
}
