package io.github.xdpipcounter.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WindowScheduleTest {
    private static final long S = 1_000_000_000L;
    private final WindowSchedule schedule = new WindowSchedule(100 * S, 2 * S);

    @Test
    void windowsCloseOnTheBoundariesOfTheOrigin() {
        assertThat(schedule.closeOf(100 * S)).isEqualTo(102 * S);
        assertThat(schedule.closeOf(102 * S)).isEqualTo(104 * S);
        // A flip that took 30 ms does not shift the phase.
        assertThat(schedule.closeOf(104 * S + 30_000_000)).isEqualTo(106 * S);
    }

    @Test
    void afterAStallTheNextWindowClosesAtTheNextBoundary() {
        // Stopped at 105 s, woken at 111.6 s: one long window closed then, the next at 112 s would be
        // 0.4 s long, under half a window, so it runs on to 114 s.
        assertThat(schedule.closeOf(111 * S + 600_000_000)).isEqualTo(114 * S);
        // Woken at 110.9 s: the next boundary is 1.1 s away, at least half a window.
        assertThat(schedule.closeOf(110 * S + 900_000_000)).isEqualTo(112 * S);
    }

    @Test
    void noScheduledWindowIsShorterThanHalfTheLength() {
        for (long start = 100 * S; start < 120 * S; start += 7_000_000) {
            long close = schedule.closeOf(start);
            assertThat(close - start).as("window from %d", start).isBetween(S, 3 * S);
            assertThat((close - 100 * S) % (2 * S)).as("on a boundary").isZero();
        }
    }

    @Test
    void worksOnEitherSideOfZeroAndAcrossTheOrigin() {
        WindowSchedule negative = new WindowSchedule(-5 * S, 2 * S);
        assertThat(negative.closeOf(-5 * S)).isEqualTo(-3 * S);
        assertThat(negative.closeOf(-S / 2)).isEqualTo(S);
        assertThat(negative.closeOf(S / 2)).isEqualTo(3 * S);
        assertThat(schedule.closeOf(99 * S)).isEqualTo(100 * S);
    }

    @Test
    void aLengthMustBePositive() {
        assertThatThrownBy(() -> new WindowSchedule(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
