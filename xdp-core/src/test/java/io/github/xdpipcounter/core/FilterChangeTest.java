package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.core.internal.layout.XicPrefixLayout;
import io.github.xdpipcounter.testing.Frames;
import io.github.xdpipcounter.core.testing.RecordKeys;
import io.github.xdpipcounter.testing.RequiresRoot;

import static io.github.xdpipcounter.core.SourceFilterTest.blocks;
import static io.github.xdpipcounter.testing.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Filters changed at run time, in a loaded program that keeps counting:
 * what packets see while the tries are rewritten, limits, and what is left
 * behind when a filter goes off.
 */
@RequiresRoot
class FilterChangeTest {
    private static final String DST = "198.51.100.1";

    /**
     * Three filters under which 10.1.2.3 is excluded, cycled while another
     * thread sends from it: written in a wrong order, each change would count
     * it for a moment (A to B: 10.1.0.0/16 made "included" before 10.1.2.0/24
     * arrives; A to C: 10.1.0.0/16 deleted before 10.0.0.0/8).
     */
    @Test
    void replacingTheSourceSetsNeverCountsASourceThatBothExclude() throws Exception {
        TrafficFilter a = sources(SourceFilter.including(blocks("10.0.0.0/8")).withExclude(blocks("10.1.0.0/16")));
        TrafficFilter b = sources(SourceFilter.including(blocks("10.1.0.0/16")).withExclude(blocks("10.1.2.0/24")));
        TrafficFilter c = sources(SourceFilter.including(blocks("192.168.0.0/16")));
        byte[] excluded = udpFrom("10.1.2.3");
        byte[] included = udpFrom("10.0.0.1");
        try (CounterProgram program = CounterProgram.load(1024)) {
            program.filter(a);
            program.completeWindow();
            AtomicBoolean sending = new AtomicBoolean(true);
            CountDownLatch started = new CountDownLatch(1);
            long[] sent = new long[1];
            Thread sender = Thread.ofPlatform().start(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment frame = arena.allocate(excluded.length);
                    frame.copyFrom(MemorySegment.ofArray(excluded));
                    while (sending.get()) {
                        program.program().testRun(frame, 100);
                        sent[0] += 100;
                        started.countDown();
                    }
                }
            });
            int changes = 0;
            try {
                assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
                TrafficFilter[] cycle = {b, a, c, a};
                long until = System.nanoTime() + 300_000_000L;
                // Bounded: at least 400 changes and as many as fit in 0.3 s, ending with filter A.
                while (changes < 400 || changes % cycle.length != 0 || (System.nanoTime() < until && changes < 100_000)) {
                    program.filter(cycle[changes++ % cycle.length]);
                }
            } finally {
                sending.set(false);
                sender.join();
            }
            System.out.printf("filter changes: %d, frames sent meanwhile: %d%n", changes, sent[0]);
            program.program().testRun(included);
            Window window = program.completeWindow();
            assertThat(sent[0]).isPositive();
            assertThat(RecordKeys.packets(window)).as("the one frame from a source filter A counts")
                    .containsOnlyKeys(RecordKeys.of(Network.IPV4, address("10.0.0.1"), Transport.UDP, 53));
            assertThat(window.statistics().ignored(IgnoreReason.SOURCE_EXCLUDED)).isEqualTo(sent[0]);
            assertThat(trie(program.maps().sourcesV4())).as("the last filter's entries only")
                    .containsExactly("10.0.0.0/8", "10.1.0.0/16");
        }
    }

    /**
     * The program checks the source filter only when it creates a record, so
     * a change forgets, in the window in progress, the records of every
     * source the new filter refuses (its earlier packets included); later
     * packets from it are ignored, and the deleted records are not reported
     * as evicted.
     */
    @Test
    void aSourceFilterChangeForgetsTheSourcesItRefusesInTheWindowInProgress() {
        try (CounterProgram program = CounterProgram.load(1024)) {
            program.filter(sources(SourceFilter.excluding(blocks("10.9.0.0/16"))));
            program.completeWindow();
            byte[] refusedLater = udpFrom("10.1.2.3");
            byte[] keptV4 = udpFrom("10.2.0.1");
            byte[] keptV6 = ethernet(ETH_P_IPV6, ipv6("2001:db8::7", "2001:db8::1", IPPROTO_UDP, Frames.udp(40000, 53, 0)));
            for (byte[] frame : List.of(refusedLater, refusedLater, keptV4, keptV6)) {
                program.program().testRun(frame);
            }
            program.filter(sources(SourceFilter.excluding(blocks("10.1.0.0/16", "2001:db8:1::/48"))));
            program.program().testRun(refusedLater);
            program.program().testRun(keptV4);
            Window window = program.completeWindow();
            assertThat(RecordKeys.packets(window)).containsOnly(
                    Map.entry(RecordKeys.of(Network.IPV4, address("10.2.0.1"), Transport.UDP, 53), 2L),
                    Map.entry(RecordKeys.of(Network.IPV6, address("2001:db8::7"), Transport.UDP, 53), 1L));
            assertThat(window.statistics().ignored(IgnoreReason.SOURCE_EXCLUDED)).isEqualTo(1);
            assertThat(window.capacityExceeded()).isFalse();
        }
    }

    @Test
    void aFilterLargerThanTheProgramHoldsIsRefusedAndTheOldOneStays() {
        try (CounterProgram program = CounterProgram.load(1024)) {
            program.filter(sources(SourceFilter.excluding(blocks("10.0.0.0/8"))));
            // 16,383 blocks and 0.0.0.0/0 (no include set): the most the program holds.
            List<AddressBlock> most = hosts("172.16.0.0", TrafficFilter.MAX_BLOCKS_PER_NETWORK - 1);
            program.filter(sources(SourceFilter.excluding(most)));
            // Replaced by as many others: the trie holds both sets for a moment.
            program.filter(sources(SourceFilter.excluding(hosts("172.17.0.0", TrafficFilter.MAX_BLOCKS_PER_NETWORK - 1))));
            List<AddressBlock> tooMany = hosts("172.18.0.0", TrafficFilter.MAX_BLOCKS_PER_NETWORK);
            assertThatThrownBy(() -> program.filter(sources(SourceFilter.excluding(tooMany))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the source filter needs 16385 IPv4 prefixes; the program holds at most 16384 per network");
            assertThat(program.trafficFilter().sources().exclude()).first().hasToString("172.17.0.0/32");
            program.completeWindow();
            program.program().testRun(udpFrom("172.17.0.5"));
            program.program().testRun(udpFrom("172.18.0.5"));
            Window window = program.completeWindow();
            assertThat(window.statistics().ignored(IgnoreReason.SOURCE_EXCLUDED)).isEqualTo(1);
            assertThat(RecordKeys.packets(window)).containsOnlyKeys(
                    RecordKeys.of(Network.IPV4, address("172.18.0.5"), Transport.UDP, 53));
        }
    }

    @Test
    void aDestinationFilterOfLocalAddressesFollowsTheAddresses() throws Exception {
        try (CounterProgram program = CounterProgram.load(1024)) {
            TrafficFilter local = TrafficFilter.DEFAULT.withDestinations(DestinationFilter.localAddresses());
            program.filter(local, HostAddresses.of(Set.of(InetAddress.getByName(DST))));
            program.completeWindow();
            program.program().testRun(udpTo(DST));
            program.program().testRun(udpTo("198.51.100.2"));
            program.program().testRun(udpTo("255.255.255.255"));
            Window before = program.completeWindow();
            assertThat(before.statistics().ignored(IgnoreReason.NOT_FOR_THIS_HOST)).isEqualTo(1);
            assertThat(before.countedPackets()).isEqualTo(2);

            program.localAddressesChanged(HostAddresses.of(Set.of(InetAddress.getByName("198.51.100.2"))));
            program.program().testRun(udpTo(DST));
            program.program().testRun(udpTo("198.51.100.2"));
            Window after = program.completeWindow();
            assertThat(after.statistics().ignored(IgnoreReason.NOT_FOR_THIS_HOST)).isEqualTo(1);
            assertThat(hosts(program.maps().destinationHostsV4())).as("hosts go to the table in the global, not the map")
                    .isEmpty();
            assertThat(trie(program.maps().destinationsV4())).as("no block but hosts: an empty trie").isEmpty();
            assertThatThrownBy(() -> program.filter(local)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void filtersThatGoOffLeaveNothingBehind() {
        TrafficFilter everything = TrafficFilter.DEFAULT.withTransports(Set.of(Transport.TCP, Transport.ICMP))
                .withTcp(TcpPackets.CONNECTION_ATTEMPTS)
                .withDestinations(DestinationFilter.of(blocks("198.51.100.0/24", "2001:db8::/32")))
                .withSources(SourceFilter.excluding(AddressSet.NON_GLOBAL.blocks()));
        byte[] synAck = ethernet(ETH_P_IP, ipv4("10.0.0.1", "203.0.113.1", IPPROTO_TCP, tcp(1, 22, TCP_SYN | TCP_ACK)));
        byte[] ping = ethernet(ETH_P_IP, ipv4("8.8.8.8", DST, IPPROTO_ICMP, icmp(8, 0)));
        try (CounterProgram program = CounterProgram.load(1024)) {
            program.filter(everything);
            assertThat(trie(program.maps().sourcesV6())).hasSizeGreaterThan(20);
            program.completeWindow();
            Window filtered = windowOf(program, synAck, ping);
            assertThat(filtered.statistics().ignored(IgnoreReason.NOT_CONNECTION_ATTEMPT)).isEqualTo(1);
            assertThat(RecordKeys.packets(filtered)).containsOnlyKeys(
                    RecordKeys.of(Network.IPV4, address("8.8.8.8"), Transport.ICMP, 8));

            program.filter(TrafficFilter.DEFAULT);
            for (BpfMap trie : List.of(program.maps().sourcesV4(), program.maps().sourcesV6(),
                    program.maps().destinationsV4(), program.maps().destinationsV6())) {
                assertThat(trie(trie)).as(trie.name()).isEmpty();
            }
            for (BpfMap hosts : List.of(program.maps().destinationHostsV4(), program.maps().destinationHostsV6())) {
                assertThat(hosts(hosts)).as(hosts.name()).isEmpty();
            }
            Window unfiltered = windowOf(program, synAck, ping);
            assertThat(unfiltered.statistics().ignored(IgnoreReason.TRANSPORT_NOT_TRACKED)).isEqualTo(1);
            assertThat(RecordKeys.packets(unfiltered)).containsOnlyKeys(
                    RecordKeys.of(Network.IPV4, address("10.0.0.1"), Transport.TCP, 22));
        }
    }

    /** The window of these frames alone: the program's current window must be empty. */
    private static Window windowOf(CounterProgram program, byte[]... frames) {
        for (byte[] frame : frames) {
            program.program().testRun(frame);
        }
        return program.completeWindow();
    }

    private static TrafficFilter sources(SourceFilter sources) {
        return TrafficFilter.DEFAULT.withSources(sources);
    }

    private static byte[] udpFrom(String source) {
        return udp(source, DST);
    }

    private static byte[] udpTo(String destination) {
        return udp("192.0.2.7", destination);
    }

    private static byte[] udp(String source, String destination) {
        return ethernet(ETH_P_IP, ipv4(source, destination, IPPROTO_UDP, Frames.udp(40000, 53, 0)));
    }

    /** {@code count} consecutive /32 blocks from {@code first}. */
    private static List<AddressBlock> hosts(String first, int count) {
        byte[] start = address(first);
        int base = ((start[0] & 0xff) << 24) | ((start[1] & 0xff) << 16) | ((start[2] & 0xff) << 8) | (start[3] & 0xff);
        List<AddressBlock> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int a = base + i;
            out.add(AddressBlock.of(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a}, 32));
        }
        return out;
    }

    /** The addresses a hash map of hosts holds, read from the kernel, in order. */
    private static List<String> hosts(BpfMap map) {
        List<AddressBlock> hosts = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(map.info().keySize(), 8);
            MemorySegment next = arena.allocate(map.info().keySize(), 8);
            MemorySegment previous = MemorySegment.NULL;
            while (map.nextKey(previous, next)) {
                byte[] address = next.toArray(ValueLayout.JAVA_BYTE);
                hosts.add(AddressBlock.of(address, address.length * 8));
                key.copyFrom(next);
                previous = key;
            }
        }
        return hosts.stream().sorted().map(block -> block.address().getHostAddress()).toList();
    }

    /** The blocks a trie holds, read from the kernel, in order. */
    private static List<String> trie(BpfMap map) {
        List<AddressBlock> blocks = new ArrayList<>();
        XicPrefixLayout layout = map.info().keySize() == XicPrefixLayout.V4.size() ? XicPrefixLayout.V4 : XicPrefixLayout.V6;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(map.info().keySize(), 8);
            MemorySegment next = arena.allocate(map.info().keySize(), 8);
            MemorySegment previous = MemorySegment.NULL;
            while (map.nextKey(previous, next)) {
                int prefix = next.get(ValueLayout.JAVA_INT_UNALIGNED, layout.prefixlen());
                byte[] address = next.asSlice(layout.addr(), layout.addrLength()).toArray(ValueLayout.JAVA_BYTE);
                blocks.add(AddressBlock.of(address, prefix));
                key.copyFrom(next);
                previous = key;
            }
        }
        return blocks.stream().sorted().map(AddressBlock::toString).toList();
    }
}
