package io.github.xdpipcounter.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.bpf.BpfMap;
import io.github.xdpipcounter.testing.RequiresRoot;

import static io.github.xdpipcounter.testing.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the destination filter's single hosts live (see
 * {@link DestinationHosts}): the host table in the program's global holds
 * what fits, the host map the rest, and a packet to any of them is counted,
 * to none of them not, through BPF_PROG_TEST_RUN.
 */
@RequiresRoot
class DestinationHostsTest {
    /** More than the IPv4 table's 64 buckets of 4 hold, so some buckets overflow into the map. */
    private static final int V4_HOSTS = 300;
    /** More than the IPv6 table's 16 buckets of 4 hold. */
    private static final int V6_HOSTS = 100;

    @Test
    void hostsTheTableCannotHoldAreCountedFromTheMapAndLeaveWithTheFilter() throws Exception {
        List<InetAddress> v4 = new ArrayList<>();
        for (int i = 0; i < V4_HOSTS; i++) {
            v4.add(InetAddress.getByName("198.51." + (100 + i / 256) + "." + (i % 256)));
        }
        v4.add(InetAddress.getByName("0.0.0.0"));
        List<InetAddress> v6 = new ArrayList<>();
        for (int i = 0; i < V6_HOSTS; i++) {
            v6.add(InetAddress.getByName("2001:db8::" + Integer.toHexString(i + 1)));
        }
        v6.add(InetAddress.getByName("::"));
        try (CounterProgram program = CounterProgram.load(1024)) {
            program.filter(TrafficFilter.DEFAULT.withDestinations(DestinationFilter.localAddresses()),
                    HostAddresses.of(union(v4, v6)));
            assertThat(entries(program.maps().destinationHostsV4())).as("IPv4 hosts in the map")
                    .isBetween(1 + V4_HOSTS - 256, V4_HOSTS - 1);
            assertThat(entries(program.maps().destinationHostsV6())).as("IPv6 hosts in the map")
                    .isBetween(1 + V6_HOSTS - 64, V6_HOSTS - 1);
            program.completeWindow();
            for (InetAddress host : union(v4, v6)) {
                program.program().testRun(udpTo(host.getHostAddress()));
            }
            program.program().testRun(udpTo("203.0.113.1"));
            program.program().testRun(udpTo("2001:db8::ffff"));
            Window all = program.completeWindow();
            assertThat(all.countedPackets()).isEqualTo(v4.size() + v6.size());
            assertThat(all.statistics().ignored(IgnoreReason.NOT_FOR_THIS_HOST)).isEqualTo(2);

            // Down to one host each: the maps empty, and every other host is ignored again.
            program.localAddressesChanged(HostAddresses.of(Set.of(v4.get(7), v6.get(7))));
            assertThat(entries(program.maps().destinationHostsV4())).isZero();
            assertThat(entries(program.maps().destinationHostsV6())).isZero();
            for (InetAddress host : union(v4, v6)) {
                program.program().testRun(udpTo(host.getHostAddress()));
            }
            Window one = program.completeWindow();
            assertThat(one.countedPackets()).isEqualTo(2);
            assertThat(one.statistics().ignored(IgnoreReason.NOT_FOR_THIS_HOST)).isEqualTo(v4.size() + v6.size() - 2);
        }
    }

    private static Set<InetAddress> union(List<InetAddress> a, List<InetAddress> b) {
        Set<InetAddress> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static byte[] udpTo(String destination) {
        return destination.contains(":")
                ? ethernet(ETH_P_IPV6, ipv6("2001:db8:1::5", destination, IPPROTO_UDP, udp(40000, 53, 0)))
                : ethernet(ETH_P_IP, ipv4("192.0.2.5", destination, IPPROTO_UDP, udp(40000, 53, 0)));
    }

    private static int entries(BpfMap map) {
        int entries = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(map.info().keySize(), 8);
            MemorySegment previous = MemorySegment.NULL;
            while (map.nextKey(previous, key)) {
                entries++;
                previous = arena.allocate(map.info().keySize(), 8).copyFrom(key);
            }
        }
        return entries;
    }
}
