package io.github.xdpipcounter.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PortTallyTest {
    @Test
    void aSourceAddedAfterTheTableGrewUnderOtherRowsLandsInItsOwnRow() {
        PortTally tally = new PortTally();
        long https = PortTally.key(Network.IPV4, Transport.TCP, 443);
        tally.add(https, 1, 60);
        // Rows without records (the overflow's) make the table grow under the last key added.
        for (int port = 1; port <= 1000; port++) {
            tally.addTraffic(PortTally.key(Network.IPV6, Transport.UDP, port), 1, 1);
        }
        tally.add(https, 2, 120);
        assertThat(tally.activities())
                .filteredOn(a -> a.network() == Network.IPV4)
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.uniqueSources()).isEqualTo(2);
                    assertThat(a.packets()).isEqualTo(3);
                    assertThat(a.bytes()).isEqualTo(180);
                });
    }
}
