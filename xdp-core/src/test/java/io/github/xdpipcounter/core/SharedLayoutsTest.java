package io.github.xdpipcounter.core;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.bpf.SharedLayouts;

import static org.assertj.core.api.Assertions.assertThat;

/** The Java side agrees with bpf/include/xdp_ip_counter.h, as jextract read it. */
class SharedLayoutsTest {

    @Test
    void enumsMatchTheHeader() {
        assertThat(Transport.TCP.code()).isEqualTo(SharedLayouts.TRANSPORT_TCP);
        assertThat(Transport.UDP.code()).isEqualTo(SharedLayouts.TRANSPORT_UDP);
        assertThat(Transport.UDP_LITE.code()).isEqualTo(SharedLayouts.TRANSPORT_UDPLITE);
        assertThat(Transport.SCTP.code()).isEqualTo(SharedLayouts.TRANSPORT_SCTP);
        assertThat(Transport.values()).hasSize(SharedLayouts.TRANSPORT_COUNT);
        assertThat(IgnoreReason.NOT_IP.code()).isEqualTo(SharedLayouts.IGNORED_NOT_IP);
        assertThat(IgnoreReason.TRANSPORT_NOT_TRACKED.code()).isEqualTo(SharedLayouts.IGNORED_TRANSPORT);
        assertThat(IgnoreReason.PORT_FILTERED.code()).isEqualTo(SharedLayouts.IGNORED_PORT_FILTERED);
        assertThat(IgnoreReason.NON_FIRST_FRAGMENT.code()).isEqualTo(SharedLayouts.IGNORED_FRAGMENT);
        assertThat(IgnoreReason.MALFORMED.code()).isEqualTo(SharedLayouts.IGNORED_MALFORMED);
        assertThat(IgnoreReason.values()).hasSize(SharedLayouts.IGNORE_REASON_COUNT);
    }

    @Test
    void keysAreSmallAndRecordsHoldFourCounters() {
        assertThat(SharedLayouts.KEY_V4_SIZE).isEqualTo(8);
        assertThat(SharedLayouts.KEY_V6_SIZE).isEqualTo(20);
        assertThat(SharedLayouts.RECORD_SIZE).isEqualTo(32);
        assertThat(SharedLayouts.PORT_WORDS).isEqualTo(1024);
        assertThat(SharedLayouts.GLOBALS_SIZE).isEqualTo(16 + 4 * 1024 * 8);
    }
}
