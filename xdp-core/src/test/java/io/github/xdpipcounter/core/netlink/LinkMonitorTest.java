package io.github.xdpipcounter.core.netlink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.xdpipcounter.testing.Commands;
import io.github.xdpipcounter.testing.NetworkNamespace;
import io.github.xdpipcounter.testing.RequiresRoot;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.NETLINK_ROUTE;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTMGRP_LINK;
import static org.assertj.core.api.Assertions.assertThat;

/** Real links in namespaces of our own, real notifications from the kernel. */
@RequiresRoot
class LinkMonitorTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private NetworkNamespace ns;
    private Events events;

    @BeforeEach
    void watchANamespaceOfOurOwn() {
        ns = NetworkNamespace.create("linkmon");
        events = new Events();
    }

    @AfterEach
    void removeTheNamespace() {
        events.close();
        ns.close();
    }

    @AfterAll
    static void noNamespaceIsLeftBehind() {
        assertThat(NetworkNamespace.leftBehind("linkmon")).isEmpty();
    }

    @Test
    void followsALinkThroughCreationChangeDeletionAndRecreation() throws Exception {
        try (LinkMonitor _ = ns.inside(events::open)) {
            String name = NetworkNamespace.interfaceName("lm");

            addLink(ns, name);
            LinkEvent added = events.await(LinkEvent.Kind.PRESENT, name);
            assertThat(added.index()).isEqualTo(indexOf(ns, name));

            events.settle();
            ns.ip("link", "set", name, "up");
            assertThat(events.await(LinkEvent.Kind.PRESENT, name).index()).isEqualTo(added.index());

            ns.ip("link", "del", name);
            assertThat(events.await(LinkEvent.Kind.REMOVED, name).index()).isEqualTo(added.index());

            addLink(ns, name);
            // Changes of the first link may still be queued: they carry its index.
            LinkEvent again = events.await(e -> e.kind() == LinkEvent.Kind.PRESENT && e.name().equals(name)
                    && e.index() != added.index(), "PRESENT with a new index for " + name);
            assertThat(again.index()).isEqualTo(indexOf(ns, name));
            assertThat(events.lost).hasValue(0);
        }
    }

    @Test
    void aVethPairInsideTheNamespaceIsTwoLinks() throws Exception {
        try (LinkMonitor _ = ns.inside(events::open)) {
            String a = NetworkNamespace.interfaceName("va");
            String b = NetworkNamespace.interfaceName("vb");

            ns.ip("link", "add", a, "type", "veth", "peer", "name", b);
            int indexA = events.await(LinkEvent.Kind.PRESENT, a).index();
            int indexB = events.await(LinkEvent.Kind.PRESENT, b).index();

            ns.ip("link", "del", a); // takes its peer with it
            assertThat(events.await(LinkEvent.Kind.REMOVED, a).index()).isEqualTo(indexA);
            assertThat(events.await(LinkEvent.Kind.REMOVED, b).index()).isEqualTo(indexB);
        }
    }

    @Test
    void linksOfAnotherNamespaceAreNotSeen() throws Exception {
        try (NetworkNamespace other = NetworkNamespace.create("linkmon");
             LinkMonitor _ = ns.inside(events::open)) {
            String elsewhere = NetworkNamespace.interfaceName("lo");
            String marker = NetworkNamespace.interfaceName("lm");

            addLink(other, elsewhere);
            other.ip("link", "del", elsewhere);
            // The kernel queues a notification before `ip` returns: had the other
            // namespace's been ours, they would come before the marker's.
            addLink(ns, marker);
            events.await(LinkEvent.Kind.PRESENT, marker);

            assertThat(events.seen).extracting(LinkEvent::name).noneMatch(n -> n.startsWith(elsewhere));
        }
    }

    @Test
    void theSocketsNamespaceIsTheOpeningThreadsAndTheListenerRunsThere() throws Exception {
        Path namespaceOfOpener = ns.inside(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")));
        AtomicReference<Path> namespaceOfListener = new AtomicReference<>();
        try (LinkMonitor _ = ns.inside(() -> LinkMonitor.open(event -> {
            namespaceOfListener.compareAndSet(null, readNamespaceLink());
            events.accept(event);
        }, events.lost::incrementAndGet))) {
            announceLink(ns, events);
        }
        assertThat(namespaceOfListener.get()).isEqualTo(namespaceOfOpener)
                .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")));

        // The socket itself, read from this thread (host namespace), still hears the namespace's links.
        String name = NetworkNamespace.interfaceName("lm");
        try (NetlinkSocket socket = ns.inside(() -> NetlinkSocket.open(NETLINK_ROUTE(),
                RTMGRP_LINK(), NotificationReceiver.RECEIVE_TIMEOUT));
             Arena arena = Arena.ofConfined()) {
            addLink(ns, name);
            MemorySegment buffer = arena.allocate(32 * 1024, 8);
            long deadline = System.nanoTime() + WAIT.toNanos();
            List<LinkEvent> received = new ArrayList<>();
            while (received.stream().noneMatch(e -> e.name().equals(name)) && System.nanoTime() < deadline) {
                long length = socket.receive(buffer);
                if (length > 0) {
                    received.addAll(LinkMessages.parse(buffer.asSlice(0, length)).events());
                }
            }
            assertThat(received).extracting(LinkEvent::name).contains(name);
        }
    }

    @Test
    void closeReturnsPromptlyAndEndsTheDeliveryThread() throws Exception {
        LinkMonitor monitor = ns.inside(events::open);
        String name = announceLink(ns, events);
        Thread delivery = events.deliveryThread.get();
        assertThat(delivery.isDaemon()).isTrue();

        long start = System.nanoTime();
        monitor.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        monitor.close();

        assertThat(took).isLessThan(Duration.ofMillis(500));
        assertThat(delivery.isAlive()).isFalse();
        events.seen.clear();
        ns.ip("link", "del", name);
        Thread.sleep(300);
        assertThat(events.seen).as("events after close").isEmpty();
    }

    @Test
    void twoMonitorsCloseInEitherOrder() throws Exception {
        for (boolean firstOpenedClosesFirst : new boolean[] {true, false}) {
            try (Events one = new Events();
                 Events two = new Events()) {
                LinkMonitor first = ns.inside(one::open);
                LinkMonitor second = ns.inside(two::open);
                String name = announceLink(ns, one);
                two.await(LinkEvent.Kind.PRESENT, name);

                LinkMonitor closed = firstOpenedClosesFirst ? first : second;
                LinkMonitor open = firstOpenedClosesFirst ? second : first;
                Events stillListening = firstOpenedClosesFirst ? two : one;
                closed.close();
                ns.ip("link", "del", name);
                stillListening.await(LinkEvent.Kind.REMOVED, name);
                open.close();
                closed.close();
                assertThat(one.deliveryThread.get().isAlive()).isFalse();
                assertThat(two.deliveryThread.get().isAlive()).isFalse();
            }
        }
    }

    @Test
    void aListenerThatThrowsDoesNotStopDelivery() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (LinkMonitor _ = ns.inside(() -> LinkMonitor.open(event -> {
            events.accept(event);
            calls.incrementAndGet();
            throw new IllegalStateException("a listener's bug");
        }, () -> {
            throw new IllegalStateException("another bug");
        }))) {
            announceLink(ns, events);
            announceLink(ns, events);
            assertThat(calls.get()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aFullQueueIsReportedAsLostEventsAndDeliveryGoesOn(@TempDir Path dir) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (LinkMonitor _ = ns.inside(() -> LinkMonitor.open(event -> {
            try {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS); // a slow listener: the kernel's queue fills
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            events.accept(event);
        }, events.lost::incrementAndGet))) {
            // The queue holds about 200 KB (net.core.rmem_default), some 90 link notifications;
            // here come 600 links, with a notification each at least.
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                batch.add("link add fl" + i + " type veth peer name fp" + i);
            }
            Path commands = Files.write(dir.resolve("links"), batch);
            ns.ip("-batch", commands.toString());
            release.countDown();

            long deadline = System.nanoTime() + WAIT.toNanos();
            while (events.lost.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(events.lost.get()).as("lost-events callbacks").isPositive();
            // The kernel reports the overflow before the queue is drained: while it is still full, a new
            // notification would be dropped too. Wait until delivery has gone quiet.
            for (int size = -1; size != events.seen.size() && System.nanoTime() < deadline; ) {
                size = events.seen.size();
                Thread.sleep(300);
            }

            announceLink(ns, events); // after every event the kernel kept
            assertThat(events.seen.stream().map(LinkEvent::name).filter(n -> n.startsWith("f")).distinct().count())
                    .as("links announced").isLessThan(600);
        }
    }

    @Test
    void idleCostsNoCpu() throws Exception {
        try (LinkMonitor _ = ns.inside(events::open)) {
            announceLink(ns, events);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long id = events.deliveryThread.get().threadId();

            long before = threads.getThreadCpuTime(id);
            Thread.sleep(2000);
            long spent = threads.getThreadCpuTime(id) - before;

            // Ten receive timeouts in 2 s; a spinning loop would burn the whole 2 s.
            assertThat(Duration.ofNanos(spent)).isLessThan(Duration.ofMillis(50));
        }
    }

    /** A link named {@code name}: one end of a veth pair (the dummy driver is not in every kernel). */
    private static void addLink(NetworkNamespace ns, String name) {
        ns.ip("link", "add", name, "type", "veth", "peer", "name", name + "p");
    }

    /** Adds a new link and waits until {@code events} has it; its name. */
    private static String announceLink(NetworkNamespace ns, Events events) throws InterruptedException {
        String name = NetworkNamespace.interfaceName("lm");
        addLink(ns, name);
        events.await(LinkEvent.Kind.PRESENT, name);
        return name;
    }

    private static int indexOf(NetworkNamespace ns, String name) {
        String line = ns.ip("-o", "link", "show", "dev", name);
        return Integer.parseInt(line.substring(0, line.indexOf(':')));
    }

    private static Path readNamespaceLink() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a monitor delivered; waits are bounded. */
    private static final class Events implements AutoCloseable {
        final BlockingQueue<LinkEvent> queue = new LinkedBlockingQueue<>();
        /** Events taken from the queue by a wait for another one, in order. */
        final List<LinkEvent> skipped = new ArrayList<>();
        final List<LinkEvent> seen = new CopyOnWriteArrayList<>();
        final AtomicInteger lost = new AtomicInteger();
        final AtomicReference<Thread> deliveryThread = new AtomicReference<>();

        LinkMonitor open() {
            return LinkMonitor.open(this::accept, lost::incrementAndGet);
        }

        void accept(LinkEvent event) {
            deliveryThread.compareAndSet(null, Thread.currentThread());
            seen.add(event);
            queue.add(event);
        }

        /** The first event not awaited yet of this kind about this name; fails after 5 s. */
        LinkEvent await(LinkEvent.Kind kind, String name) throws InterruptedException {
            return await(e -> e.kind() == kind && e.name().equals(name), kind + " event for " + name);
        }

        /** The first event not awaited yet that is {@code wanted}; fails after 5 s. */
        LinkEvent await(Predicate<LinkEvent> wanted, String what) throws InterruptedException {
            for (LinkEvent event : skipped) {
                if (wanted.test(event)) {
                    skipped.remove(event);
                    return event;
                }
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (long left = WAIT.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                LinkEvent event = queue.poll(left, TimeUnit.NANOSECONDS);
                if (event != null && wanted.test(event)) {
                    return event;
                }
                if (event != null) {
                    skipped.add(event);
                }
            }
            throw new AssertionError("no " + what + " within " + WAIT + "; seen " + seen);
        }

        /** Drops what came so far, once nothing has come for 200 ms. */
        void settle() throws InterruptedException {
            skipped.clear();
            while (queue.poll(200, TimeUnit.MILLISECONDS) != null) {
                // keep draining
            }
        }

        @Override
        public void close() {
            queue.clear();
            skipped.clear();
        }
    }
}
