package io.github.xdpipcounter.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortSelectionTest {

    @Test
    void zeroMeansEveryPort() {
        PortSelection all = PortSelection.parse("0");
        assertThat(all.isAll()).isTrue();
        assertThat(all.contains(1)).isTrue();
        assertThat(all.contains(65535)).isTrue();
        assertThat(all.toBitmap(1024)).containsOnly(-1L);
    }

    @Test
    void listeningPortsAreKnownOnlyAtRunTime() {
        PortSelection listening = PortSelection.listening();
        assertThat(listening.isListening()).isTrue();
        assertThat(listening.isAll()).isFalse();
        assertThat(listening.contains(22)).isFalse();
        assertThat(listening).hasToString("listening");
        PortSelection both = PortSelection.of(8080).plusListening();
        assertThat(both).hasToString("listening,8080").isNotEqualTo(PortSelection.of(8080));
        assertThat(both.contains(8080)).isTrue();
        assertThat(PortSelection.all().plusListening()).isEqualTo(PortSelection.all());
        java.util.BitSet ssh = new java.util.BitSet();
        ssh.set(22);
        long[] bitmap = both.toBitmap(1024, ssh);
        assertThat(bitmap[0]).isEqualTo(1L << 22);
        assertThat(bitmap[8080 / 64]).isEqualTo(1L << (8080 % 64));
        assertThat(PortSelection.of(8080).toBitmap(1024, ssh)[0]).as("listening ports only when asked for").isZero();
    }

    @Test
    void portsAndRangesInAnyNumber() {
        PortSelection p = PortSelection.parse(" 8000-8100, 22,80,443,22 ");
        assertThat(p.contains(22)).isTrue();
        assertThat(p.contains(8050)).isTrue();
        assertThat(p.contains(8101)).isFalse();
        assertThat(p.explicitPorts().count()).isEqualTo(104);
        assertThat(p).hasToString("22,80,443,8000-8100");
        long[] bitmap = p.toBitmap(1024);
        assertThat(bitmap[0]).isEqualTo(1L << 22);
        assertThat(bitmap[443 / 64] & (1L << (443 % 64))).isNotZero();
        assertThat(PortSelection.parse("1-65535").explicitPorts().count()).isEqualTo(65535);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|empty port list",
            "22,,80|empty element",
            "http|'http' in port list 'http' is not a port",
            "65536|port 65536 is out of range",
            "99999999999|is not a port",
            "-5|is not a port",
            "100-10|reversed range '100-10': write the lower port first, e.g. 10-100",
            "0,22|port 0 in list",
            "0-10|includes port 0",
            "22-|is not a port"})
    void badListsSayWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> PortSelection.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
