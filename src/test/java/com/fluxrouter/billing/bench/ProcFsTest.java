package com.fluxrouter.billing.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ProcFsTest {
    @Test
    void residentSetIsVmRssInKibibytesAsBytes() {
        String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmHWM:\t  700000 kB\nVmRSS:\t  524288 kB\nRssAnon:\t 1 kB\n";

        assertThat(ProcFs.vmRssBytes(status)).isEqualTo(512L * 1024 * 1024);
        assertThat(ProcFs.vmRssBytes("Name:\tkthreadd\n")).isEqualTo(-1);
    }

    @Test
    void coresBusyAreTheBusyTicksShareTimesTheCoresCounted() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        ProcFs.CoreTicks before = ProcFs.coreTicks("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\n"
                + "cpu1 50 0 25 400 25 0 0 0 0 0\nintr 1 2 3\n");
        // 300 ticks later: 150 busy (user 100, system 30, irq 10, softirq 5, steal 5), 150 idle or waiting.
        ProcFs.CoreTicks after = ProcFs.coreTicks("cpu  200 0 80 940 60 10 5 5 7 0\ncpu0 1 0 0 0 0 0 0 0 0 0\n"
                + "cpu1 1 0 0 0 0 0 0 0 0 0\n");

        assertThat(after.cores()).isEqualTo(2);
        assertThat(after.busy() - before.busy()).isEqualTo(150);
        assertThat(after.total() - before.total()).isEqualTo(300);
        assertThat(after.coresBusySince(before)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void noTicksPassedIsUnknownAndAStatWithoutCpuLinesIsNone() {
        ProcFs.CoreTicks ticks = ProcFs.coreTicks("cpu  1 2 3 4\ncpu0 1 2 3 4\n");

        assertThat(ticks.coresBusySince(ticks)).isNaN();
        assertThat(ProcFs.coreTicks("intr 1 2 3\n")).isNull();
    }
}
