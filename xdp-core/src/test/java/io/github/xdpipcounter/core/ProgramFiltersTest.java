package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.netlink.LocalAddress;

import static io.github.xdpipcounter.core.SourceFilterTest.blocks;
import static org.assertj.core.api.Assertions.assertThat;

/** What the tries hold for a filter: no BPF, the entries only. */
class ProgramFiltersTest {
    private static final byte INCLUDED = 1;
    private static final byte EXCLUDED = 2;

    @Test
    void eachBlockCarriesTheFlagsOfEveryBlockThatCoversIt() {
        SourceFilter nested = SourceFilter.including(blocks("10.0.0.0/8", "10.1.2.0/24", "2001:db8::/32"))
                .withExclude(blocks("10.1.0.0/16", "10.1.2.128/25"));
        assertThat(text(ProgramFilters.sourceEntries(nested, Network.IPV4))).isEqualTo(Map.of(
                "10.0.0.0/8", INCLUDED,
                "10.1.0.0/16", (byte) (INCLUDED | EXCLUDED),
                "10.1.2.0/24", (byte) (INCLUDED | EXCLUDED),
                "10.1.2.128/25", (byte) (INCLUDED | EXCLUDED)));
        assertThat(text(ProgramFilters.sourceEntries(nested, Network.IPV6))).isEqualTo(Map.of("2001:db8::/32", INCLUDED));
    }

    @Test
    void withoutAnIncludeSetEverythingIsIncludedThroughTheDefaultRoute() {
        SourceFilter excludeOnly = SourceFilter.excluding(blocks("10.0.0.0/8", "10.0.0.0/8"));
        assertThat(text(ProgramFilters.sourceEntries(excludeOnly, Network.IPV4))).isEqualTo(Map.of(
                "0.0.0.0/0", INCLUDED, "10.0.0.0/8", (byte) (INCLUDED | EXCLUDED)));
        assertThat(text(ProgramFilters.sourceEntries(excludeOnly, Network.IPV6))).isEqualTo(Map.of("::/0", INCLUDED));
        assertThat(ProgramFilters.sourceEntries(SourceFilter.ALL, Network.IPV4)).isEmpty();
    }

    @Test
    void aBlockBothIncludedAndExcludedIsExcluded() {
        SourceFilter both = SourceFilter.including(blocks("192.0.2.0/24")).withExclude(blocks("192.0.2.0/24"));
        assertThat(text(ProgramFilters.sourceEntries(both, Network.IPV4)))
                .isEqualTo(Map.of("192.0.2.0/24", (byte) (INCLUDED | EXCLUDED)));
    }

    @Test
    void localDestinationsAreHostBlocksOfTheirNetwork() throws Exception {
        Set<InetAddress> local = Set.of(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("fe80::1%1"),
                InetAddress.getByName("255.255.255.255"));
        DestinationFilter filter = DestinationFilter.localAddresses().plus(blocks("224.0.0.0/4"));
        assertThat(text(ProgramFilters.destinationEntries(filter, local, Network.IPV4)).keySet())
                .containsExactly("192.0.2.1/32", "224.0.0.0/4", "255.255.255.255/32");
        assertThat(text(ProgramFilters.destinationEntries(filter, local, Network.IPV6)).keySet())
                .containsExactly("fe80::1/128");
        assertThat(ProgramFilters.destinationEntries(DestinationFilter.of(blocks("10.0.0.0/8")), local, Network.IPV4))
                .containsOnlyKeys(AddressBlock.parse("10.0.0.0/8"));
    }

    @Test
    void theHostsAddressesAlwaysHoldTheLimitedBroadcast() throws Exception {
        assertThat(HostAddresses.of(Set.of(InetAddress.getByName("192.0.2.1"))))
                .containsExactlyInAnyOrder(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("255.255.255.255"));
    }

    @Test
    void theDirectedBroadcastIsTheAllOnesHostOfTheSubnet() throws Exception {
        java.net.Inet4Address address = (java.net.Inet4Address) InetAddress.getByName("10.203.0.1");
        assertThat(HostAddresses.directedBroadcast(address, 24)).containsExactly(InetAddress.getByName("10.203.0.255"));
        assertThat(HostAddresses.directedBroadcast(address, 20)).containsExactly(InetAddress.getByName("10.203.15.255"));
        assertThat(HostAddresses.directedBroadcast(address, 31)).isEmpty();
        assertThat(HostAddresses.directedBroadcast(address, 32)).isEmpty();
    }

    @Test
    void theMonitorsAddressesGiveEachAddressAndItsBroadcasts() throws Exception {
        java.net.Inet4Address configured = (java.net.Inet4Address) InetAddress.getByName("10.203.0.127");
        List<LocalAddress> addresses = List.of(
                new LocalAddress(2, InetAddress.getByName("10.203.0.1"), 24, Optional.empty()),
                new LocalAddress(3, InetAddress.getByName("192.0.2.1"), 25, Optional.of(configured)),
                new LocalAddress(3, InetAddress.getByName("198.51.100.7"), 32, Optional.empty()),
                new LocalAddress(3, InetAddress.getByName("2001:db8::1"), 64, Optional.empty()));
        // A configured broadcast and the all-ones host both: the kernel delivers both locally.
        assertThat(HostAddresses.ofInterfaces(addresses)).containsExactlyInAnyOrder(
                InetAddress.getByName("10.203.0.1"), InetAddress.getByName("10.203.0.255"),
                InetAddress.getByName("192.0.2.1"), configured, InetAddress.getByName("192.0.2.127"),
                InetAddress.getByName("198.51.100.7"), InetAddress.getByName("2001:db8::1"));
    }

    private static Map<String, Byte> text(Map<AddressBlock, Byte> entries) {
        Map<String, Byte> out = new TreeMap<>((a, b) -> AddressBlock.parse(a).compareTo(AddressBlock.parse(b)));
        entries.forEach((block, flags) -> out.put(block.toString(), flags));
        return out;
    }
}
