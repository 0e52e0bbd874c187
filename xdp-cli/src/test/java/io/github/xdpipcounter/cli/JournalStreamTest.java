package io.github.xdpipcounter.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JournalStreamTest {
    @Test
    void theVariableCountsOnlyWhenItNamesTheDeviceAndInodeOfStderr() {
        assertThat(JournalStream.names("8:12345", 8, 12345)).isTrue();
        assertThat(JournalStream.names("8:12345\n", 8, 12345)).isTrue();
        assertThat(JournalStream.names("8:12346", 8, 12345)).as("another stream: a child's stderr redirected").isFalse();
        assertThat(JournalStream.names("", 8, 12345)).isFalse();
        assertThat(JournalStream.names("nonsense", 8, 12345)).isFalse();
    }
}
