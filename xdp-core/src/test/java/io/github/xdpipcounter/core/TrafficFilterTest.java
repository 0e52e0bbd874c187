package io.github.xdpipcounter.core;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static io.github.xdpipcounter.core.SourceFilterTest.blocks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrafficFilterTest {

    @Test
    void theDefaultCountsWhatTheProgramAlwaysCounted() {
        assertThat(TrafficFilter.DEFAULT.transports()).containsExactly(Transport.TCP, Transport.UDP, Transport.UDP_LITE,
                Transport.SCTP);
        assertThat(TrafficFilter.DEFAULT.tcp()).isEqualTo(TcpPackets.ALL);
        assertThat(TrafficFilter.DEFAULT.sources().isAll()).isTrue();
        assertThat(TrafficFilter.DEFAULT.destinations().isAny()).isTrue();
        assertThat(TrafficFilter.DEFAULT).hasToString("default");
        assertThat(new CounterConfig(List.of("eth0")).filter()).isEqualTo(TrafficFilter.DEFAULT);
    }

    @Test
    void saysWhatDiffersFromTheDefault() {
        TrafficFilter filter = TrafficFilter.DEFAULT.withTransports(Set.of(Transport.ICMPV6, Transport.TCP))
                .withTcp(TcpPackets.CONNECTION_ATTEMPTS).withDestinations(DestinationFilter.localAddresses())
                .withSources(SourceFilter.excluding(blocks("10.0.0.0/8")));
        assertThat(filter).hasToString("transports TCP,ICMPv6 tcp syn destinations local sources exclude 10.0.0.0/8");
        assertThat(filter.isDefault()).isFalse();
        assertThat(filter.withTransports(Transport.DEFAULT_TRACKED).withTcp(TcpPackets.ALL)
                .withDestinations(DestinationFilter.ANY).withSources(SourceFilter.ALL)).isEqualTo(TrafficFilter.DEFAULT);
    }

    @Test
    void somethingMustBeCounted() {
        assertThatThrownBy(() -> TrafficFilter.DEFAULT.withTransports(Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("at least one transport must be counted");
    }

    @Test
    void icmpCarriesItsTypeAndHasNoPorts() {
        assertThat(Transport.parse("icmpv6")).isEqualTo(Transport.ICMPV6);
        assertThat(Transport.parse("ICMP")).isEqualTo(Transport.ICMP);
        assertThat(Transport.ICMPV6.label()).isEqualTo("ICMPv6");
        assertThat(Transport.ICMP.hasPorts()).isFalse();
        assertThat(Transport.SCTP.hasPorts()).isTrue();
        assertThat(Transport.ICMP.ipProtocol()).isEqualTo(1);
        assertThat(Transport.ICMPV6.ipProtocol()).isEqualTo(58);
        assertThatThrownBy(() -> Transport.parse("gre")).hasMessage(
                "unknown transport 'gre': expected TCP, UDP, UDP-Lite, SCTP, ICMP or ICMPv6");
    }
}
