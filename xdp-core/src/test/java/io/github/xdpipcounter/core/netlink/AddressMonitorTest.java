package io.github.xdpipcounter.core.netlink;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.xdpipcounter.testing.NetworkNamespace;
import io.github.xdpipcounter.testing.RequiresRoot;

import static org.assertj.core.api.Assertions.assertThat;

/** Real addresses in namespaces of our own, real notifications from the kernel. */
@RequiresRoot
class AddressMonitorTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private NetworkNamespace ns;
    private String link;
    private Snapshots snapshots;

    @BeforeEach
    void aNamespaceWithALinkOfOurOwn() {
        ns = NetworkNamespace.create("addrmon");
        link = NetworkNamespace.interfaceName("am");
        ns.ip("link", "add", "name", link, "type", "veth", "peer", "name", link + "p");
        snapshots = new Snapshots();
    }

    @AfterEach
    void removeTheNamespace() {
        ns.close();
        assertThat(NetworkNamespace.leftBehind("addrmon")).as("namespaces left behind").isEmpty();
    }

    @Test
    void openReadsEveryAddressOfBothFamiliesWithPrefixAndBroadcast() throws Exception {
        ns.ip("address", "add", "192.0.2.1/24", "brd", "+", "dev", link);
        ns.ip("address", "add", "203.0.113.9/32", "dev", link);
        ns.ip("-6", "address", "add", "2001:db8::1/64", "dev", link, "nodad");

        try (AddressMonitor monitor = ns.inside(snapshots::open)) {
            int index = indexOf(link);
            assertThat(monitor.addresses()).containsExactly(
                    address(1, "127.0.0.1", 8, null),
                    address(1, "::1", 128, null),
                    address(index, "192.0.2.1", 24, "192.0.2.255"),
                    address(index, "203.0.113.9", 32, null),
                    address(index, "2001:db8::1", 64, null));
            assertThat(snapshots.next()).as("the listener's first list").isEqualTo(monitor.addresses());
        }
    }

    @Test
    void followsIpv4AndIpv6AddressesAddedAndRemoved() throws Exception {
        try (AddressMonitor monitor = ns.inside(snapshots::open)) {
            List<LocalAddress> first = snapshots.next();
            int index = indexOf(link);
            LocalAddress v4 = address(index, "198.51.100.7", 24, "198.51.100.255");
            LocalAddress v6 = address(index, "2001:db8:1::7", 64, null);

            ns.ip("address", "add", "198.51.100.7/24", "brd", "+", "dev", link);
            snapshots.await(list -> list.contains(v4), "the IPv4 address");
            ns.ip("-6", "address", "add", "2001:db8:1::7/64", "dev", link, "nodad");
            snapshots.await(list -> list.contains(v4) && list.contains(v6), "both addresses");
            ns.ip("address", "del", "198.51.100.7/24", "dev", link);
            snapshots.await(list -> !list.contains(v4) && list.contains(v6), "the IPv6 address alone");
            ns.ip("-6", "address", "del", "2001:db8:1::7/64", "dev", link);
            snapshots.await(first::equals, "the first list again");

            assertThat(monitor.addresses()).isEqualTo(first);
        }
    }

    @Test
    void aDeletedInterfaceTakesItsAddressesWithIt() throws Exception {
        ns.ip("address", "add", "192.0.2.1/24", "dev", link);
        ns.ip("-6", "address", "add", "2001:db8::1/64", "dev", link, "nodad");
        int index = indexOf(link);
        try (AddressMonitor monitor = ns.inside(snapshots::open)) {
            assertThat(monitor.addresses()).extracting(LocalAddress::interfaceIndex).contains(index);

            ns.ip("link", "del", link);

            snapshots.await(list -> list.stream().noneMatch(a -> a.interfaceIndex() == index), "no address of " + link);
        }
    }

    @Test
    void addressesOfAnotherNamespaceAreNotSeen() throws Exception {
        try (NetworkNamespace other = NetworkNamespace.create("addrmon");
             AddressMonitor _ = ns.inside(snapshots::open)) {
            String elsewhere = NetworkNamespace.interfaceName("ao");
            other.ip("link", "add", "name", elsewhere, "type", "veth", "peer", "name", elsewhere + "p");
            other.ip("address", "add", "192.0.2.77/24", "dev", elsewhere);
            // The kernel queues a notification before `ip` returns: had the other
            // namespace's been ours, it would come before the marker's.
            ns.ip("address", "add", "192.0.2.78/24", "dev", link);
            snapshots.await(list -> list.stream().anyMatch(a -> a.address().getHostAddress().equals("192.0.2.78")),
                    "the marker address");

            assertThat(snapshots.seen).allSatisfy(list -> assertThat(list)
                    .noneMatch(a -> a.address().getHostAddress().equals("192.0.2.77")));
        }
    }

    @Test
    void aFullQueueIsFollowedByADumpThatAgreesWithTheKernel(@TempDir Path dir) throws Exception {
        Logger logger = Logger.getLogger(AddressMonitor.class.getName());
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        ReentrantLock gate = new ReentrantLock();
        gate.lock(); // a slow listener, which waits for the test: meanwhile the kernel's queue fills
        try (AddressMonitor monitor = ns.inside(() -> AddressMonitor.open(list -> {
            gate.lock();
            gate.unlock();
            snapshots.accept(list);
        }))) {
            // The queue holds about 200 KB (net.core.rmem_default): a few hundred address notifications.
            // The kernel keeps the oldest, announcing 1,500 addresses, and drops the rest, among them
            // the removal of the first 500: what it kept is older than the state the dump must give.
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 1500; i++) {
                batch.add("address add " + tenOne(i) + "/32 dev " + link);
            }
            for (int i = 0; i < 500; i++) {
                batch.add("address del " + tenOne(i) + "/32 dev " + link);
            }
            ns.ip("-batch", Files.write(dir.resolve("addresses"), batch).toString());
            gate.unlock();

            int index = indexOf(link);
            Predicate<List<LocalAddress>> theLast1000 = list -> {
                List<String> ours = list.stream().filter(a -> a.interfaceIndex() == index)
                        .map(a -> a.address().getHostAddress()).toList();
                return ours.size() == 1000 && !ours.contains(tenOne(0)) && !ours.contains(tenOne(499));
            };
            snapshots.await(theLast1000, "the 1000 addresses left");
            assertThat(warnings).anyMatch(w -> w.contains("dropped notifications") && w.contains("reading every address again"));
            Thread.sleep(300); // nothing else comes
            assertThat(theLast1000.test(monitor.addresses())).as("the monitor's list, later").isTrue();
        } finally {
            if (gate.isHeldByCurrentThread()) {
                gate.unlock();
            }
            logger.removeHandler(capture);
        }
    }

    /** The i-th of the addresses 10.1.0.1 to 10.1.5.250. */
    private static String tenOne(int i) {
        return "10.1." + i / 250 + "." + (i % 250 + 1);
    }

    private int indexOf(String name) {
        String line = ns.ip("-o", "link", "show", "dev", name);
        return Integer.parseInt(line.substring(0, line.indexOf(':')));
    }

    private static LocalAddress address(int index, String address, int prefixLength, String broadcast) throws Exception {
        return new LocalAddress(index, InetAddress.getByName(address), prefixLength,
                Optional.ofNullable(broadcast).map(b -> (Inet4Address) parse(b)));
    }

    private static InetAddress parse(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** What a monitor delivered; waits are bounded. */
    private static final class Snapshots {
        final BlockingQueue<List<LocalAddress>> queue = new LinkedBlockingQueue<>();
        final List<List<LocalAddress>> seen = new CopyOnWriteArrayList<>();

        AddressMonitor open() {
            return AddressMonitor.open(this::accept);
        }

        void accept(List<LocalAddress> list) {
            seen.add(list);
            queue.add(list);
        }

        /** The next list not taken yet; fails after 5 s. */
        List<LocalAddress> next() throws InterruptedException {
            return await(list -> true, "a list");
        }

        /** The first list not taken yet that is {@code wanted}, skipping others; fails after 5 s. */
        List<LocalAddress> await(Predicate<List<LocalAddress>> wanted, String what) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (long left = WAIT.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                List<LocalAddress> list = queue.poll(left, TimeUnit.NANOSECONDS);
                if (list != null && wanted.test(list)) {
                    return list;
                }
            }
            List<LocalAddress> last = seen.isEmpty() ? List.of() : seen.getLast();
            throw new AssertionError("no list with " + what + " within " + WAIT + "; the last of " + seen.size()
                    + " had " + last.size() + " addresses" + (last.size() <= 20 ? ": " + last : ""));
        }
    }
}
