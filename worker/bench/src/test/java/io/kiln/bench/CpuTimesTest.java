package io.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CpuTimesTest {

    @Test
    void readsBusyStealAndTheTotalFromProcStatsSummaryLine() {
        var times = CpuTimes.parse("cpu  4705 356 584 3699 23 5 12 40 7 0");

        assertThat(times.busy()).as("user, nice, system, irq, softirq").isEqualTo(4705 + 356 + 584 + 5 + 12);
        assertThat(times.steal()).isEqualTo(40);
        assertThat(times.total()).isEqualTo(4705 + 356 + 584 + 3699 + 23 + 5 + 12 + 40);
    }

    @Test
    void theStolenShareIsStealOverAllTicksBetweenTwoReadings() {
        var before = CpuTimes.parse("cpu  100 0 20 80 0 0 0 0 0 0");
        var after = CpuTimes.parse("cpu  160 0 30 170 0 0 0 40 0 0");

        assertThat(after.stealSince(before)).isCloseTo(40.0 / 200, within(1e-12));
        assertThat(before.stealSince(before)).isNaN();
    }

    @Test
    void busyTimeBetweenTwoReadingsIsInMillisecondsOfTenPerTick() {
        var before = CpuTimes.parse("cpu  100 0 20 80 0 0 0 0 0 0");
        var after = CpuTimes.parse("cpu  160 5 30 170 9 1 2 40 0 0");

        assertThat(after.busyMillisSince(before)).isEqualTo((60 + 5 + 10 + 1 + 2) * 10.0);
    }

    @Test
    void refusesAnotherLine() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CpuTimes.parse("cpu0 1 2 3 4 5 6 7 8"))
                .withMessageStartingWith("not the summary line of /proc/stat");
    }
}
