package com.fluxrouter.billing.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {
    private static final LatencyProbe.Percentiles NONE = LatencyProbe.Percentiles.of(List.of());
    private static final LatencyProbe.Percentiles FAST = LatencyProbe.Percentiles.of(List.of(10L, 20L, 30L));

    @Test
    void latencyTargetIsNotEstablishedWhenNoAlertWasSeen() {
        String table = latencyTable(new LatencyProbe.Result(FAST, NONE));

        assertThat(table).contains("| p99 produce-to-alert <= 500 ms at half the sustained rate | not measured: no "
                + "SpendAlert in the latency runs | not established |");
        assertThat(table).contains("| 3 | produce -> SpendAlert p99 at 100/s | not measured |");
        assertThat(table).doesNotContain("| yes |");
    }

    @Test
    void latencyTargetIsJudgedOnTheWorseOfOverageAndAlertP99() {
        LatencyProbe.Percentiles slow = LatencyProbe.Percentiles.of(List.of(600L, 700L));

        assertThat(latencyTable(new LatencyProbe.Result(FAST, FAST))).contains("| 30 ms | yes |");
        assertThat(latencyTable(new LatencyProbe.Result(FAST, slow))).contains("| 700 ms | **no** |");
    }

    private static String latencyTable(LatencyProbe.Result result) {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.latency(100, List.of(result));
        report.finish(Duration.ZERO);
        return report.table();
    }
}
