package io.github.xdpipcounter.core;

import java.net.Inet6Address;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoding of packed windows, without BPF: addresses, per-network counts, time placement. */
class WindowTest {
    private static final Instant START = Instant.parse("2026-11-27T08:00:00Z");

    @Test
    void anIpv4MappedSourceSeenOnIpv6StaysIpv6() {
        Window window = WindowBuilder.starting(START, Duration.ofSeconds(10))
                .source("::ffff:192.0.2.1", Transport.TCP, 22).build();
        Source source = window.sources().getFirst();
        assertThat(source.network()).isEqualTo(Network.IPV6);
        assertThat(source.address()).isInstanceOf(Inet6Address.class);
        assertThat(AddressText.of(source.address())).isEqualTo("::ffff:192.0.2.1");
    }

    @Test
    void countsPerNetworkAndPlacesTimesInTheWindow() {
        Window window = WindowBuilder.starting(START, Duration.ofSeconds(10))
                .source("10.0.0.1", Transport.UDP, 53, 4, 400, Duration.ofSeconds(2), Duration.ofSeconds(3))
                .source("2001:db8::1", Transport.TCP, 443)
                .source("2001:db8::2", Transport.TCP, 443)
                .build();
        assertThat(window.sourceCount(Network.IPV4)).isEqualTo(1);
        assertThat(window.sourceCount(Network.IPV6)).isEqualTo(2);
        Source first = window.sources().getFirst();
        assertThat(first.firstSeen()).isEqualTo(START.plusSeconds(2));
        assertThat(first.lastSeen()).isEqualTo(START.plusSeconds(3));
        assertThat(window.uniqueSources(Network.IPV6, Transport.TCP, 443)).isEqualTo(2);
    }
}
