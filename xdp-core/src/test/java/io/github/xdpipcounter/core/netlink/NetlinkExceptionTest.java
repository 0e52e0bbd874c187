package io.github.xdpipcounter.core.netlink;

import org.junit.jupiter.api.Test;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.EMFILE;
import static org.assertj.core.api.Assertions.assertThat;

class NetlinkExceptionTest {

    @Test
    void namesTheOperationAndTheErrnoInWords() {
        NetlinkException e = new NetlinkException("open a netlink route socket", EMFILE());

        assertThat(e).hasMessage("open a netlink route socket failed: EMFILE (too many open files)");
        assertThat(e.operation()).isEqualTo("open a netlink route socket");
        assertThat(e.errno()).isEqualTo(24);
        assertThat(e.errnoName()).isEqualTo("EMFILE");
    }

    @Test
    void anErrnoWeDoNotNameIsGivenByNumber() {
        assertThat(new NetlinkException("receive link notifications", 200))
                .hasMessage("receive link notifications failed: errno 200");
    }
}
