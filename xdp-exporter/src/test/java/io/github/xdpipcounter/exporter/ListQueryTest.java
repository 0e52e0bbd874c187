package io.github.xdpipcounter.exporter;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.Network;
import io.github.xdpipcounter.core.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cases an HTTP client will not even send. */
class ListQueryTest {
    @Test
    void decodesPercentEncodingAndIgnoresEmptyPairs() throws Exception {
        assertThat(ListQuery.parse("transport=UDP%2DLite&&network=%49Pv6&"))
                .isEqualTo(new ListQuery(Network.IPV6, Transport.UDP_LITE, -1, Long.MAX_VALUE));
        assertThat(ListQuery.parse(null)).isEqualTo(ListQuery.ALL);
    }

    @Test
    void malformedPercentEncodingIsABadQuery() {
        assertThatThrownBy(() -> ListQuery.parse("port=%zz"))
                .isInstanceOf(ListQuery.BadQueryException.class)
                .hasMessage("malformed percent-encoding in '%zz'");
        assertThatThrownBy(() -> ListQuery.parse("port"))
                .hasMessage("bad port '': expected a port, 0-65535");
    }
}
