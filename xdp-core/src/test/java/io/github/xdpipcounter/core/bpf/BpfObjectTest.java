package io.github.xdpipcounter.core.bpf;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.testing.RequiresRoot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresRoot
class BpfObjectTest {

    @Test
    void aVerifierRejectionCarriesTheVerifierLog() {
        try (OpenBpfObject object = OpenBpfObject.openResource("rejected", BpfObjectTest.class, "/bpf/rejected.bpf.o")) {
            assertThatThrownBy(object::load)
                    .isInstanceOfSatisfying(VerifierException.class, e -> {
                        assertThat(e.operation()).isEqualTo("load BPF object rejected");
                        assertThat(e.errno()).isPositive();
                        assertThat(e.verifierLog()).contains("invalid access to packet").doesNotContain("libbpf:");
                        assertThat(e.libbpfLog()).contains("invalid access to packet");
                        assertThat(e.getMessage()).contains("load BPF object rejected failed")
                                .contains("invalid access to packet");
                    });
        }
    }

    @Test
    void anElfThatIsNotOneIsAClearError() {
        assertThatThrownBy(() -> OpenBpfObject.open("garbage", new byte[] {1, 2, 3, 4}))
                .isInstanceOf(BpfException.class)
                .hasMessageStartingWith("open BPF object garbage failed: ");
    }

    @Test
    void closingTwiceIsHarmlessAndUseAfterCloseIsAClearError() {
        BpfObject object;
        try (OpenBpfObject open = openCounterObject()) {
            object = open.load();
        }
        BpfMap stats = object.map("stats");
        object.close();
        object.close();
        assertThatThrownBy(stats::fd).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> object.map("stats")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unknownMapsAndProgramsAreNamed() {
        try (OpenBpfObject open = openCounterObject()) {
            assertThatThrownBy(() -> open.setMaxEntries("nope", 1)).hasMessage("BPF object xdp_ip_counter has no map named nope");
            try (BpfObject object = open.load()) {
                assertThatThrownBy(() -> object.program("nope")).hasMessage("BPF object xdp_ip_counter has no program named nope");
            }
        }
    }

    @Test
    void anObjectIsLoadedOnceAndTheOpenOneIsSpent() {
        try (OpenBpfObject open = openCounterObject(); BpfObject object = open.load()) {
            assertThat(object.map("stats").info().maxEntries()).isEqualTo(2);
            assertThatThrownBy(open::load).isInstanceOf(IllegalStateException.class).hasMessageContaining("already loaded");
            assertThatThrownBy(() -> open.setMaxEntries("stats", 4)).isInstanceOf(IllegalStateException.class);
        }
    }

    /** The counter's object, read as a plain resource: these tests are about the wrapper. */
    private static OpenBpfObject openCounterObject() {
        return OpenBpfObject.openResource("xdp_ip_counter", BpfObjectTest.class, "/io/github/xdpipcounter/bpf/xdp_ip_counter.bpf.o");
    }
}
