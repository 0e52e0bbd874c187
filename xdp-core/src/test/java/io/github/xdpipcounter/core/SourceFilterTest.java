package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SourceFilterTest {

    @Test
    void countsWhatIsIncludedAndNotExcluded() throws Exception {
        SourceFilter filter = SourceFilter.including(blocks("10.0.0.0/8", "10.1.2.0/24")).withExclude(blocks("10.1.0.0/16"));
        assertThat(filter.counts(InetAddress.getByName("10.0.0.1"))).isTrue();
        assertThat(filter.counts(InetAddress.getByName("10.1.2.3"))).as("the exclusion wins").isFalse();
        assertThat(filter.counts(InetAddress.getByName("11.0.0.1"))).as("not included").isFalse();
        assertThat(filter.counts(InetAddress.getByName("2001:db8::1"))).as("IPv4 include set").isFalse();
        assertThat(filter).hasToString("include 10.0.0.0/8,10.1.2.0/24 exclude 10.1.0.0/16");
    }

    @Test
    void withoutAnIncludeSetEverySourceNotExcludedCounts() throws Exception {
        SourceFilter filter = SourceFilter.excluding(AddressSet.NON_GLOBAL.blocks());
        assertThat(filter.counts(InetAddress.getByName("8.8.8.8"))).isTrue();
        assertThat(filter.counts(InetAddress.getByName("2606:4700::1"))).isTrue();
        assertThat(filter.counts(InetAddress.getByName("fe80::1"))).isFalse();
        assertThat(SourceFilter.ALL.isAll()).isTrue();
        assertThat(SourceFilter.ALL).hasToString("all");
        assertThat(SourceFilter.ALL.counts(InetAddress.getByName("127.0.0.1"))).isTrue();
    }

    @Test
    void equalFiltersAreEqualWhateverTheOrderOfTheirBlocks() {
        assertThat(SourceFilter.excluding(blocks("10.0.0.0/8", "fc00::/7")))
                .isEqualTo(SourceFilter.excluding(blocks("fc00::/7", "10.0.0.0/8", "10.0.0.0/8")));
        assertThat(SourceFilter.excluding(blocks("fc00::/7", "10.0.0.0/8")).exclude()).map(AddressBlock::toString)
                .containsExactly("10.0.0.0/8", "fc00::/7");
    }

    static List<AddressBlock> blocks(String... texts) {
        return java.util.Arrays.stream(texts).map(AddressBlock::parse).toList();
    }
}
