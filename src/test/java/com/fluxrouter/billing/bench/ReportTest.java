package com.fluxrouter.billing.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {
    private static final LatencyProbe.Percentiles NONE = LatencyProbe.Percentiles.of(List.of());
    private static final LatencyProbe.Percentiles FAST = LatencyProbe.Percentiles.of(List.of(10L, 20L, 30L));
    private static final Report.Load HALF = new Report.Load(100, false);
    private static final Report.Load FIXED = new Report.Load(5_000, true);

    private static final CpuUse BUSY = new CpuUse(1.84, 1.97, 2);

    @Test
    void aLatencyTargetIsNotEstablishedWhenItsOutputWasNotSeen() {
        String table = latencyTable(HALF, new LatencyProbe.Result(FAST, NONE, FAST));

        assertThat(table).contains("| p99 produce-to-SpendAlert <= 500 ms at half the sustained rate | not measured: no "
                + "SpendAlert in the latency runs at 100/s; CPU: bench JVM 1.8 cores busy, machine 2.0 of 2 | "
                + "not established |");
        assertThat(table).contains("| 3 | produce -> SpendAlert p99 at 100/s (half the sustained rate) | not measured |");
        assertThat(table).contains("| p99 produce-to-SpendStatus <= 500 ms at half the sustained rate | 30 ms at 100/s;"
                + " CPU: bench JVM 1.8 cores busy, machine 2.0 of 2 | yes |");
    }

    @Test
    void eachLatencyTargetIsJudgedOnItsOwnOutputsP99AlonePerLoad() {
        LatencyProbe.Percentiles slow = LatencyProbe.Percentiles.of(List.of(600L, 700L));

        // A slow OverageUpdate is shown but judged by no target (issue 14 names SpendAlert and SpendStatus).
        String overageSlow = latencyTable(FIXED, new LatencyProbe.Result(slow, FAST, FAST));
        assertThat(overageSlow).contains("| 3 | produce -> OverageUpdate p99 at 5,000/s (fixed) | 700 |",
                "| p99 produce-to-SpendAlert <= 500 ms at 5,000/s | 30 ms at 5,000/s; CPU: bench JVM 1.8 cores busy, "
                        + "machine 2.0 of 2 | yes |",
                "| p99 produce-to-SpendStatus <= 500 ms at 5,000/s | 30 ms at 5,000/s;");
        assertThat(overageSlow).doesNotContain("**no**");
        assertThat(latencyTable(FIXED, new LatencyProbe.Result(FAST, slow, FAST)))
                .contains("| p99 produce-to-SpendAlert <= 500 ms at 5,000/s | 700 ms at 5,000/s;", "| 700 ms at 5,000/s; "
                        + "CPU: bench JVM 1.8 cores busy, machine 2.0 of 2 | **no** |")
                .contains("| p99 produce-to-SpendStatus <= 500 ms at 5,000/s | 30 ms at 5,000/s;");
        assertThat(latencyTable(FIXED, new LatencyProbe.Result(FAST, FAST, slow)))
                .contains("| p99 produce-to-SpendStatus <= 500 ms at 5,000/s | 700 ms at 5,000/s; CPU: bench JVM 1.8 "
                        + "cores busy, machine 2.0 of 2 | **no** |");
    }

    @Test
    void latencyRowsGiveEveryOutputsPercentilesAndTheCpuOfEachLoadOverItsRuns() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        LatencyProbe.Percentiles first = LatencyProbe.Percentiles.of(List.of(100L, 200L, 400L));
        LatencyProbe.Percentiles second = LatencyProbe.Percentiles.of(List.of(120L, 300L));
        report.latency(HALF, List.of(run(new LatencyProbe.Result(FAST, FAST, first), new CpuUse(1.5, 1.75, 2)),
                run(new LatencyProbe.Result(FAST, FAST, second), new CpuUse(1.25, 1.5, 2))));
        report.finish(Duration.ZERO);

        // p99 of each run is its slowest status (400, 300): median 350; five statuses over the two runs.
        assertThat(report.table()).contains(
                "| 3 | produce -> SpendStatus p50 at 100/s (half the sustained rate) | 160 | ±25 % (120..200) | ms |",
                "| 3 | produce -> SpendStatus p99 at 100/s (half the sustained rate) | 350 | ±14 % (300..400) | ms |",
                "| 3 | produce -> SpendStatus max at 100/s (half the sustained rate) (5 statuses) | 350 |",
                "| 3 | CPU while offered at 100/s (half the sustained rate): bench JVM (broker, pipeline, load, consumers), "
                        + "cores busy | 1.4 | ±9 % (1.3..1.5) | cores |",
                "| 3 | CPU while offered at 100/s (half the sustained rate): whole machine (/proc/stat), cores busy of 2 "
                        + "| 1.6 | ±8 % (1.5..1.8) | cores |",
                "| p99 produce-to-SpendStatus <= 500 ms at half the sustained rate | 350 ms at 100/s; CPU: bench JVM 1.4 "
                        + "cores busy, machine 1.6 of 2 | yes |");
    }

    @Test
    void replayMeetsItsTargetWhenAMillionRequestsTakeTwelveSecondsOrLess() {
        assertThat(replayTable(84_000, 1_000_000)).contains("| replay: 1,000,000 requests in <= 12 s | 11.9 s | yes |");
        assertThat(replayTable(80_000, 1_000_000)).contains("| replay: 1,000,000 requests in <= 12 s | 12.5 s | **no** |");
        assertThat(replayTable(80_000, 50_000)).contains("| replay: 1,000,000 requests in <= 12 s | 12.5 s (extrapolated) "
                + "| **no** |");
    }

    private static String replayTable(double requestsPerSecond, int requests) {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.replay(Stats.of(requestsPerSecond), Stats.of(200_000), Stats.of(requests / requestsPerSecond),
                Stats.of(10), Stats.of(0.4), requests);
        report.finish(Duration.ZERO);
        return report.table();
    }

    @Test
    void statusEndpointRowsGiveTheAnswersPercentilesAndEveryOutcomeOverAllRuns() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        StatusProbe.Result first = new StatusProbe.Result(LatencyProbe.Percentiles.of(List.of(1200L, 2500L)).scaled(1e-3),
                1, 1, 3, 0);
        StatusProbe.Result second = new StatusProbe.Result(LatencyProbe.Percentiles.of(List.of(900L, 4100L)).scaled(1e-3),
                2, 0, 0, 1);
        report.status(HALF, 200, List.of(first, second));
        report.finish(Duration.ZERO);

        // p99 of each run is its slower answer (2.5 ms, 4.1 ms): the median of the two runs is 3.3 ms.
        assertThat(report.table()).contains(
                "| 3 | GET /accounts/{account}/status p99 at 200 requests/s, pipeline at 100/s (half the sustained rate) "
                        + "| 3.3 | ±24 % (2.5..4.1) | ms |",
                "| 3 | GET /accounts/{account}/status max at 200 requests/s, pipeline at 100/s (half the sustained rate) "
                        + "(3 found, 1 not found, 3 unavailable, 1 failed) |");
    }

    @Test
    void statusEndpointRowsSayNotMeasuredWhenItNeverAnswered() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.status(FIXED, 200, List.of(new StatusProbe.Result(NONE, 0, 0, 40, 0)));
        report.finish(Duration.ZERO);

        assertThat(report.table()).contains("| 3 | GET /accounts/{account}/status p99 at 200 requests/s, pipeline at "
                + "5,000/s (fixed) | not measured |", "(0 found, 0 not found, 40 unavailable, 0 failed)");
    }

    private static String latencyTable(Report.Load load, LatencyProbe.Result result) {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.latency(load, List.of(run(result, BUSY)));
        report.finish(Duration.ZERO);
        return report.table();
    }

    private static StreamsRuns.LatencyRun run(LatencyProbe.Result result, CpuUse cpu) {
        return new StreamsRuns.LatencyRun(result, new StatusProbe.Result(FAST, 3, 0, 0, 0), cpu);
    }
}
