package io.github.xdpipcounter.core.bpf;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.CounterProgram;
import io.github.xdpipcounter.core.testing.RequiresRoot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresRoot
class BpfObjectTest {

    @Test
    void aVerifierRejectionCarriesTheVerifierLog() {
        try (BpfObject object = BpfObject.openResource("rejected", BpfObjectTest.class, "/bpf/rejected.bpf.o")) {
            assertThatThrownBy(object::load)
                    .isInstanceOfSatisfying(BpfException.class, e -> {
                        assertThat(e.operation()).isEqualTo("load BPF object rejected");
                        assertThat(e.errno()).isPositive();
                        assertThat(e.libbpfLog()).contains("invalid access to packet");
                        assertThat(e.getMessage()).contains("load BPF object rejected failed")
                                .contains("invalid access to packet");
                    });
        }
    }

    @Test
    void anElfThatIsNotOneIsAClearError() {
        assertThatThrownBy(() -> BpfObject.open("garbage", new byte[] {1, 2, 3, 4}))
                .isInstanceOf(BpfException.class)
                .hasMessageStartingWith("open BPF object garbage failed: ");
    }

    @Test
    void closingTwiceIsHarmlessAndUseAfterCloseIsAClearError() {
        BpfObject object = BpfObject.openResource("xdp_ip_counter", CounterProgram.class, CounterProgram.OBJECT_RESOURCE);
        object.load();
        BpfMap stats = object.map("stats");
        object.close();
        object.close();
        assertThatThrownBy(stats::fd).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> object.map("stats")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unknownMapsAndProgramsAreNamed() {
        try (BpfObject object = BpfObject.openResource("xdp_ip_counter", CounterProgram.class, CounterProgram.OBJECT_RESOURCE)) {
            assertThatThrownBy(() -> object.setMaxEntries("nope", 1)).hasMessage("BPF object xdp_ip_counter has no map named nope");
            object.load();
            assertThatThrownBy(() -> object.program("nope")).hasMessage("BPF object xdp_ip_counter has no program named nope");
        }
    }
}
