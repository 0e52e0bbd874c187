package io.github.xdpipcounter.cli;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.IgnoreReason;
import io.github.xdpipcounter.core.Transport;
import io.github.xdpipcounter.core.WindowBuilder;

import static org.assertj.core.api.Assertions.assertThat;

class WindowSummaryTest {
    @Test
    void oneLineWithSourcesPerNetworkPortsPacketsIgnoredByReasonAndEvictions() {
        WindowBuilder builder = WindowBuilder.starting(Instant.parse("2026-11-27T18:03:00Z"), Duration.ofMinutes(1)).sequence(12)
                .source("192.0.2.1", Transport.TCP, 22, 2, 120, Duration.ofSeconds(1), Duration.ofSeconds(2))
                .source("192.0.2.2", Transport.TCP, 22)
                .source("2001:db8::1", Transport.UDP, 53);
        for (int i = 0; i < 1_000; i++) {
            builder.source("10.0." + (i >> 8) + "." + (i & 0xff), Transport.UDP, 5353, 3, 180,
                    Duration.ofMillis(100), Duration.ofMillis(900));
        }
        var window = builder
                .ignored(IgnoreReason.NOT_IP, 1_500).ignored(IgnoreReason.MALFORMED, 2)
                .withoutRoom("192.0.2.7", Transport.TCP, 22, 2, 120)
                .build();
        assertThat(WindowSummary.of(window)).isEqualTo("window 12 (2026-11-27T18:03:00Z to 2026-11-27T18:04:00Z, 60.0 s): 1,003 sources "
                + "(IPv4 1,002, IPv6 1) on 3 ports; 3,006 packets (180,360 bytes) counted, 1,502 ignored "
                + "(not_ip 1,500, malformed 2); 1 without room");
    }

    @Test
    void anIdleWindowSaysNothingWasIgnored() {
        var window = WindowBuilder.starting(Instant.parse("2026-11-27T18:03:00Z"), Duration.ofSeconds(5)).sequence(1).build();
        assertThat(WindowSummary.of(window)).isEqualTo("window 1 (2026-11-27T18:03:00Z to 2026-11-27T18:03:05Z, 5.0 s): 0 sources "
                + "(IPv4 0, IPv6 0) on 0 ports; 0 packets (0 bytes) counted, 0 ignored; 0 without room");
    }
}
