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

    @Test
    void statusEndpointRowsGiveTheAnswersPercentilesAndEveryOutcomeOverAllRuns() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        StatusProbe.Result first = new StatusProbe.Result(LatencyProbe.Percentiles.of(List.of(1200L, 2500L)).scaled(1e-3),
                1, 1, 3, 0);
        StatusProbe.Result second = new StatusProbe.Result(LatencyProbe.Percentiles.of(List.of(900L, 4100L)).scaled(1e-3),
                2, 0, 0, 1);
        report.status(100, 200, List.of(first, second));
        report.finish(Duration.ZERO);

        // p99 of each run is its slower answer (2.5 ms, 4.1 ms): the median of the two runs is 3.3 ms.
        assertThat(report.table()).contains(
                "| 3 | GET /accounts/{account}/status p99 at 200 requests/s, pipeline at 100/s | 3.3 | ±24 % (2.5..4.1) | ms |",
                "| 3 | GET /accounts/{account}/status max at 200 requests/s, pipeline at 100/s (3 found, 1 not found, "
                        + "3 unavailable, 1 failed) |");
    }

    @Test
    void statusEndpointRowsSayNotMeasuredWhenItNeverAnswered() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.status(100, 200, List.of(new StatusProbe.Result(NONE, 0, 0, 40, 0)));
        report.finish(Duration.ZERO);

        assertThat(report.table()).contains("| 3 | GET /accounts/{account}/status p99 at 200 requests/s, pipeline at 100/s "
                + "| not measured |", "(0 found, 0 not found, 40 unavailable, 0 failed)");
    }

    private static String latencyTable(LatencyProbe.Result result) {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.latency(100, List.of(result));
        report.finish(Duration.ZERO);
        return report.table();
    }
}
