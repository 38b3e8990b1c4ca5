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
    void pipelineIsJudgedAgainstTheDedupFloorAndThePassThroughByThroughputAndByCpu() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.ceiling(Stats.of(900_000), Stats.of(400_000), Stats.of(4));
        // Medians: pass-through 40,000/s and 10 µs, floor 10,000/s and 20 µs, pipeline 6,000/s and 80 µs.
        report.streams(new Report.Baselines(Stats.of(30_000, 40_000, 50_000), Stats.of(10, 10, 12),
                        Stats.of(10_000, 9_000, 11_000), Stats.of(20, 21, 19)), Stats.of(6_000, 5_000, 6_500),
                Stats.of(80, 70, 90), Stats.of(1 << 20), 1_000);
        report.finish(Duration.ZERO);
        String table = report.table();

        assertThat(table).contains("| 3 | **pipeline / dedup floor** | **60 %** |",
                "| 3 | **pipeline / pass-through** | **15 %** |",
                "| 3 | **pipeline / copy loop** | **2 %** |",
                "| 3 | **pipeline / dedup floor, by CPU per record** | **25 %** |",
                "| 3 | **pipeline / pass-through, by CPU per record** | **13 %** |",
                "| 3 | **pipeline / copy loop, by CPU per record** | **5 %** |",
                "| 2 | **dedup floor / pass-through** | **25 %** |",
                "| 2 | **dedup floor / pass-through, by CPU per record** | **50 %** |");
        assertThat(table).contains("| pipeline >= 60 % of the dedup floor | 60 % | yes |",
                "| pipeline >= 25 % of the pass-through | 15 % | **no** |");
    }

    @Test
    void aLeverIsReportedAsThePipelineWithItOverWithoutItByThroughputAndByCpu() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.ceiling(Stats.of(900_000), Stats.of(400_000), Stats.of(4));
        report.streams(new Report.Baselines(Stats.of(40_000), Stats.of(10), Stats.of(10_000), Stats.of(20)),
                Stats.of(6_000), Stats.of(80), Stats.of(1 << 20), 1_000);
        // Without the lever: 5,000/s and 96 µs; with it (the pipeline above): 6,000/s and 80 µs.
        report.lever("cache", Stats.of(5_000, 4_000, 5_500), Stats.of(96, 90, 100), 1_000);
        report.finish(Duration.ZERO);

        assertThat(report.table()).contains(
                "| 6 | lever \"cache\": pipeline without it (before), 1,000 requests | 5,000 |",
                "| 6 | lever \"cache\": CPU of this JVM per request without it (before) | 96.0 |",
                "| 6 | **lever \"cache\": pipeline with it / without it** | **120 %** |",
                "| 6 | **lever \"cache\": with it / without it, by CPU per request** | **120 %** |");
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
