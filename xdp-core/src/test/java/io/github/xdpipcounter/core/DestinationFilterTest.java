package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static io.github.xdpipcounter.core.SourceFilterTest.blocks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DestinationFilterTest {

    @Test
    void localCountsThisHostsAddressesOnly() throws Exception {
        Set<InetAddress> local = Set.of(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("255.255.255.255"));
        DestinationFilter filter = DestinationFilter.localAddresses();
        assertThat(filter.counts(InetAddress.getByName("192.0.2.1"), local)).isTrue();
        assertThat(filter.counts(InetAddress.getByName("255.255.255.255"), local)).isTrue();
        assertThat(filter.counts(InetAddress.getByName("192.0.2.2"), local)).isFalse();
        assertThat(filter.counts(InetAddress.getByName("224.0.0.1"), local)).as("multicast is not local").isFalse();
        assertThat(filter).hasToString("local");
    }

    @Test
    void blocksCountTheirAddresses() throws Exception {
        DestinationFilter filter = DestinationFilter.localAddresses().plus(blocks("224.0.0.0/4", "ff00::/8"));
        assertThat(filter.counts(InetAddress.getByName("239.1.2.3"), Set.of())).isTrue();
        assertThat(filter.counts(InetAddress.getByName("ff02::1"), Set.of())).isTrue();
        assertThat(filter).hasToString("local,224.0.0.0/4,ff00::/8");
        assertThat(DestinationFilter.of(AddressBlock.parse("192.0.2.0/24"))).hasToString("192.0.2.0/24");
        assertThat(DestinationFilter.ANY.isAny()).isTrue();
        assertThat(DestinationFilter.ANY.counts(InetAddress.getByName("203.0.113.1"), Set.of())).isTrue();
        assertThatThrownBy(() -> DestinationFilter.of(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one block");
    }
}
