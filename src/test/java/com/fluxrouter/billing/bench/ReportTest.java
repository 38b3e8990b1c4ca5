package com.fluxrouter.billing.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        report.finish(Duration.ZERO, List.of());

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
    void scalingTargetComparesTheMostAccountsAtTheFewestAccountsRequestCountAndShowsTheOtherRatioBeside() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        Map<Report.Level, List<StreamsRuns.PipelineRun>> runs = new LinkedHashMap<>();
        runs.put(new Report.Level(1_000, 200_000), List.of(pipeline(20_000, 0, 10L << 20, 30L << 20)));
        runs.put(new Report.Level(1_000_000, 200_000), List.of(pipeline(17_000, 0, 12L << 20, 40L << 20)));
        runs.put(new Report.Level(1_000_000, 1_000_000), List.of(pipeline(12_000, 0, 24L << 20, 64L << 20)));
        report.scaling(runs);
        report.finish(Duration.ZERO, List.of());

        assertThat(report.table()).contains(
                "| 5 | pipeline at 1,000,000 accounts (200,000 requests, evenly spread) | 17,000 | 1 run | requests/s |",
                "| 5 | pipeline at 1,000,000 accounts (1,000,000 requests, evenly spread): heap after GC, growth over the "
                        + "run | 24.0 | 1 run | MiB |",
                "| 5 | pipeline at 1,000,000 accounts (1,000,000 requests, evenly spread): RSS of the bench JVM, growth "
                        + "over the run | 64.0 | 1 run | MiB |",
                "| 5 | **at 1,000,000 / at 1,000 accounts, 200,000 requests each (the target's ratio: only the accounts "
                        + "vary)** | **85 %** |",
                "| 5 | **at 1,000,000 accounts and 1,000,000 requests / at 1,000 accounts and 200,000 requests (accounts "
                        + "and remembered ids vary together)** | **60 %** |",
                "| throughput at 1,000,000 accounts >= 80 % of that at 1,000, 200,000 requests each | 85 % | yes |");
    }

    @Test
    void scalingRowsShowEachLevelsCpuAndWhatItWrotePerRequest() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        Map<String, Long> written = Map.of("bench-pipeline-3-account-months-changelog", 185_000L,
                "flux.requests.priced", 200_000L, "bench-pipeline-3-billing-clock-changelog", 9_999L);
        StreamsRuns.PipelineRun run = new StreamsRuns.PipelineRun(17_000, 61.5, new StreamsRuns.Memory(0, 0, 1L << 30),
                new StreamsRuns.Memory(0, 0, 1L << 30), Map.of(), written);
        Map<Report.Level, List<StreamsRuns.PipelineRun>> runs = new LinkedHashMap<>();
        runs.put(new Report.Level(1_000, 200_000), List.of(pipeline(20_000, 0, 0, 0)));
        runs.put(new Report.Level(1_000_000, 200_000), List.of(run));
        report.scaling(runs);
        report.finish(Duration.ZERO, List.of());

        String level = "| 5 | pipeline at 1,000,000 accounts (200,000 requests, evenly spread): ";
        assertThat(report.table()).contains(
                level + "CPU of this JVM per request | 61.5 | 1 run | µs |",
                level + "records written per request: account-months-changelog | 0.9 | 1 run | records |",
                level + "records written per request: flux.requests.priced | 1.0 | 1 run | records |",
                // (185,000 + 200,000 + 9,999) / 200,000 = 1.97: a topic under 0.05 a request counts in the total
                // only (without it, 1.925 would show as 1.9).
                level + "records written per request, all topics (with transaction markers) | 2.0 | 1 run | records |");
        assertThat(report.table()).doesNotContain("billing-clock-changelog");
    }

    @Test
    void stateRowsDivideTheRunsRocksDbBytesHeapAndRssGrowthByWhatItHeld() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        // 500,000 account-months and 2,000,000 ids; heap grew 40 MiB, the resident set 100 MiB.
        StreamsRuns.PipelineRun run = new StreamsRuns.PipelineRun(10_000, 50,
                new StreamsRuns.Memory(100L << 20, 200L << 20, 300L << 20),
                new StreamsRuns.Memory(140L << 20, 256L << 20, 400L << 20),
                Map.of("account-months", 50L << 20, "accepted-request-ids", 150L << 20, "billing-deadlines", 50L << 20),
                Map.of());
        report.state(run, 500_000, 2_000_000);
        report.finish(Duration.ZERO, List.of());

        String held = " (500,000 account-months and 2,000,000 ids held together) | ";
        assertThat(report.table()).contains(
                "| 3 | RocksDB account-months per 1,000 account-months (500,000 held) | 102 |",
                "| 3 | RocksDB request ids per 1M ids (accepted-request-ids + billing-deadlines, 2,000,000 held) | 100 |",
                "| 3 | heap after GC, growth over the run, per 1M account-months" + held + "80.0 |",
                "| 3 | heap after GC, growth over the run, per 1M remembered ids" + held + "20.0 |",
                "| 3 | RSS (VmRSS of the bench JVM, broker included), growth over the run, per 1M account-months" + held
                        + "200 |",
                "| 3 | RSS (VmRSS of the bench JVM, broker included), growth over the run, per 1M remembered ids" + held
                        + "50.0 |",
                "| 3 | RSS of the bench JVM at the end of that run (after GC, stores open) | 400 |",
                "| 3 | heap committed at the end of that run (after GC, stores open), part of that RSS | 256 |");
    }

    @Test
    void rssIsNotMeasuredWhereProcIsUnavailable() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        StreamsRuns.PipelineRun run = new StreamsRuns.PipelineRun(10_000, 50, new StreamsRuns.Memory(1, 2, -1),
                new StreamsRuns.Memory(1, 2, -1), Map.of(), Map.of());
        report.state(run, 1_000, 1_000);
        report.finish(Duration.ZERO, List.of());

        assertThat(report.table()).contains("growth over the run, per 1M account-months (1,000 account-months and 1,000 "
                + "ids held together) | not measured |", "| 3 | RSS of the bench JVM at the end of that run (after GC, "
                + "stores open) | not measured |");
    }

    @Test
    void pipelineIsJudgedAgainstTheDedupFloorAndThePassThroughByThroughputAndByCpu() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.ceiling(Stats.of(900_000), Stats.of(400_000), Stats.of(4));
        // Medians: pass-through 40,000/s and 10 µs, floor 10,000/s and 20 µs, pipeline 6,000/s and 80 µs.
        report.streams(new Report.Baselines(Stats.of(30_000, 40_000, 50_000), Stats.of(10, 10, 12),
                        Stats.of(10_000, 9_000, 11_000), Stats.of(20, 21, 19)), Stats.of(6_000, 5_000, 6_500),
                Stats.of(80, 70, 90), Stats.of(1 << 20), 1_000);
        report.finish(Duration.ZERO, List.of());
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
    void aLeverIsReportedAsItsOwnRunsWithItOverWithoutItByThroughputAndByCpu() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.ceiling(Stats.of(900_000), Stats.of(400_000), Stats.of(4));
        // Row 3's pipeline (9,000/s, 50 µs) is not what the lever is measured against: its own runs beside each
        // "before" are.
        report.streams(new Report.Baselines(Stats.of(40_000), Stats.of(10), Stats.of(10_000), Stats.of(20)),
                Stats.of(9_000), Stats.of(50), Stats.of(1 << 20), 1_000);
        // With the lever: medians 6,000/s and 80 µs; without it: medians 5,000/s and 96 µs.
        report.lever("cache", List.of(run(6_000, 80), run(5_000, 100), run(7_000, 75)),
                List.of(run(5_000, 96), run(4_000, 90), run(5_500, 100)), 1_000);
        report.finish(Duration.ZERO, List.of());

        assertThat(report.table()).contains(
                "| 6 | lever \"cache\": pipeline with it (after, beside each before), 1,000 requests | 6,000 |",
                "| 6 | lever \"cache\": CPU of this JVM per request with it (after) | 80.0 |",
                "| 6 | lever \"cache\": pipeline without it (before), 1,000 requests | 5,000 |",
                "| 6 | lever \"cache\": CPU of this JVM per request without it (before) | 96.0 |",
                "| 6 | **lever \"cache\": pipeline with it / without it** | **120 %** |",
                "| 6 | **lever \"cache\": with it / without it, by CPU per request** | **120 %** |");
    }

    @Test
    void aScalingLeverIsReportedAgainstItsLevelsOwnRunsByThroughputAndByCpu() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        Report.Level level = new Report.Level(1_000_000, 200_000);
        // With the lever: 9,000, 10,000 and 12,000/s at 150, 120, 100 µs (medians 10,000/s, 120 µs); without it:
        // 8,000 and 7,500/s at 160 and 170 µs (medians 7,750/s, 165 µs).
        List<StreamsRuns.PipelineRun> with = List.of(run(9_000, 150), run(12_000, 100), run(10_000, 120));
        List<StreamsRuns.PipelineRun> without = List.of(run(8_000, 160), run(7_500, 170));
        report.scalingLever("status cache off", level, with, without);
        report.finish(Duration.ZERO, List.of());

        String lever = "lever \"status cache off\" at 1,000,000 accounts (200,000 requests)";
        assertThat(report.table()).contains(
                "| 6 | " + lever + ": pipeline without it (before) | 7,750 |",
                "| 6 | " + lever + ": CPU of this JVM per request without it (before) | 165 |",
                "| 6 | **" + lever + ": pipeline with it / without it** | **129 %** |",
                "| 6 | **" + lever + ": with it / without it, by CPU per request** | **138 %** |");
    }

    private static StreamsRuns.PipelineRun run(double perSecond, double cpuMicros) {
        StreamsRuns.Memory memory = new StreamsRuns.Memory(0, 0, 0);
        return new StreamsRuns.PipelineRun(perSecond, cpuMicros, memory, memory, Map.of(), Map.of());
    }

    @Test
    void aSteadyStateLeverIsReportedAgainstTheSteadyStateRunsWithTheRecordsItWrote() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.ceiling(Stats.of(900_000), Stats.of(400_000), Stats.of(4));
        report.streams(new Report.Baselines(Stats.of(40_000), Stats.of(10), Stats.of(10_000), Stats.of(20)),
                Stats.of(6_000), Stats.of(80), Stats.of(1 << 20), 1_000);
        // At steady state with the lever: 4,500/s and 100 µs; without it: 3,000/s and 150 µs, 5,400 records written
        // for 1,000 requests.
        report.steady(Duration.ofHours(12), Duration.ofHours(1), Stats.of(4_500), Stats.of(100),
                Map.of("bench-pipeline-3-accepted-request-ids-changelog", 1_900L), 1_000);
        report.steadyLever("walk", Stats.of(3_000, 2_000, 3_500), Stats.of(150, 140, 160),
                Map.of("flux.requests.priced", 1_000L, "bench-pipeline-4-billing-deadlines-changelog", 4_400L), 1_000);
        report.finish(Duration.ZERO, List.of());

        assertThat(report.table()).contains(
                "| 6 | lever \"walk\" at steady state: pipeline without it (before), 1,000 requests | 3,000 |",
                "| 6 | lever \"walk\" at steady state: CPU of this JVM per request without it (before) | 150 |",
                "| 6 | **lever \"walk\" at steady state: pipeline with it / without it** | **150 %** |",
                "| 6 | **lever \"walk\" at steady state: with it / without it, by CPU per request** | **150 %** |",
                "| 6 | lever \"walk\" at steady state: records written per request without it: "
                        + "billing-deadlines-changelog | 4.4 |",
                "| 6 | lever \"walk\" at steady state: records written per request without it, all topics (with "
                        + "transaction markers) | 5.4 |");
    }

    @Test
    void replayMeetsItsTargetWhenAMillionRequestsTakeTwelveSecondsOrLess() {
        assertThat(replayTable(84_000, 1_000_000)).contains("| replay: 1,000,000 requests in <= 12 s | 11.9 s | yes |");
        assertThat(replayTable(80_000, 1_000_000)).contains("| replay: 1,000,000 requests in <= 12 s | 12.5 s | **no** |");
        assertThat(replayTable(80_000, 50_000)).contains("| replay: 1,000,000 requests in <= 12 s | 12.5 s (extrapolated) "
                + "| **no** |");
    }

    @Test
    void replayRowsGiveTheJvmsCpuAndTheMeteringThreadsPerMillionRequests() {
        assertThat(replayTable(84_000, 1_000_000)).contains(
                "| 4 | replay: CPU time of this JVM per 1,000,000 requests (every thread: metering, the input's "
                        + "read-ahead, GC, JIT) | 10.0 | 1 run | s |",
                "| 4 | replay: CPU time of the metering thread per 1,000,000 requests | 8.0 | 1 run | s |",
                "| 4 | **replay / pass-through driver, by CPU time** | **40 %** |");
    }

    @Test
    void replayRowsSetReplayAgainstTheDedupFloorOnItsDriver() {
        // 84,000 requests/s against the floor's 168,000 records/s and the pass-through's 200,000, each on its own row;
        // by CPU the floor took 0.5 of replay's time.
        assertThat(replayTable(84_000, 1_000_000)).contains(
                "| 4 | pass-through processor on the same driver | 200,000 | 1 run | records/s |",
                "| 4 | dedup floor on the same driver (one get and one put by request id, one output) | 168,000 | 1 run "
                        + "| records/s |",
                "| 4 | **replay / dedup floor on the same driver** | **50 %** |",
                "| 4 | **replay / dedup floor on the same driver, by CPU time** | **50 %** |",
                "| 4 | **dedup floor / pass-through driver** | **84 %** |",
                "| 4 | replay: records written per request, every output file (the dedup floor: 1) | 1.4 | 1 run | records |");
    }

    private static String replayTable(double requestsPerSecond, int requests) {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.replay(new Report.ReplayFigures(Stats.of(requestsPerSecond), Stats.of(200_000), Stats.of(168_000),
                Stats.of(requests / requestsPerSecond), Stats.of(10), Stats.of(8), Stats.of(0.4), Stats.of(0.5),
                Stats.of(1.37)),
                requests);
        report.finish(Duration.ZERO, List.of());
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
        report.finish(Duration.ZERO, List.of());

        // p99 of each run is its slower answer (2.5 ms, 4.1 ms): the median of the two runs is 3.3 ms.
        assertThat(report.table()).contains(
                "| 3 | GET /accounts/{account}/status p99 at 200 requests/s, pipeline at 100/s (half the sustained rate) "
                        + "| 3.3 | ±24 % (2.5..4.1) | ms |",
                "| 3 | GET /accounts/{account}/status max at 200 requests/s, pipeline at 100/s (half the sustained rate) "
                        + "(3 found, 1 not found, 3 unavailable, 1 failed) |");
    }

    @Test
    void aLatencyLeverIsReportedAsThePercentilesWithoutItOverThoseWithItPerOutput() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        LatencyProbe.Percentiles p200 = LatencyProbe.Percentiles.of(List.of(200L));
        LatencyProbe.Percentiles p400 = LatencyProbe.Percentiles.of(List.of(400L));
        LatencyProbe.Percentiles p600 = LatencyProbe.Percentiles.of(List.of(600L));
        LatencyProbe.Percentiles p800 = LatencyProbe.Percentiles.of(List.of(800L));
        // With it: alerts' p99 200 and 400 (median 300), statuses' 400 and 400. Without it: alerts' 600 and 600,
        // statuses' 200 and 600 (median 400), at 1.5 and 1.75 cores.
        List<StreamsRuns.LatencyRun> with = List.of(run(new LatencyProbe.Result(FAST, p200, p400), BUSY),
                run(new LatencyProbe.Result(FAST, p400, p400), BUSY));
        List<StreamsRuns.LatencyRun> without = List.of(
                run(new LatencyProbe.Result(p800, p600, p200), new CpuUse(1.5, 2, 2)),
                run(new LatencyProbe.Result(FAST, p600, p600), new CpuUse(1.75, 2, 2)));
        report.latencyLever("held", HALF, with, without);
        report.finish(Duration.ZERO, List.of());

        String lever = "lever \"held\" at 100/s (half the sustained rate)";
        assertThat(report.table()).contains(
                "| 6 | " + lever + ": produce -> SpendAlert p99 without it (before) | 600 | ±0 % (600..600) | ms |",
                "| 6 | **" + lever + ": p99 produce -> SpendAlert, without it / with it** | **200 %** |",
                "| 6 | " + lever + ": produce -> SpendStatus p99 without it (before) | 400 | ±50 % (200..600) | ms |",
                "| 6 | **" + lever + ": p99 produce -> SpendStatus, without it / with it** | **100 %** |",
                "| 6 | " + lever + ": CPU while offered without it (before), bench JVM, cores busy | 1.6 |");
    }

    @Test
    void aLatencyLeverRatioIsNotMeasuredWhenARunSawNoneOfThatOutput() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        LatencyProbe.Percentiles none = LatencyProbe.Percentiles.of(List.of());
        LatencyProbe.Percentiles p600 = LatencyProbe.Percentiles.of(List.of(600L));
        // With it no SpendAlert was seen; without it no SpendStatus.
        report.latencyLever("held", HALF, List.of(run(new LatencyProbe.Result(FAST, none, p600), BUSY)),
                List.of(run(new LatencyProbe.Result(FAST, p600, none), BUSY)));
        report.finish(Duration.ZERO, List.of());

        String lever = "lever \"held\" at 100/s (half the sustained rate)";
        assertThat(report.table()).contains(
                "| 6 | **" + lever + ": p99 produce -> SpendAlert, without it / with it** | **not measured** |",
                "| 6 | **" + lever + ": p99 produce -> SpendStatus, without it / with it** | **not measured** |")
                .doesNotContain("NaN");
    }

    @Test
    void aLatencyLeverRatioOverAZeroP99IsNotMeasuredRatherThanInfinite() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        LatencyProbe.Percentiles zero = LatencyProbe.Percentiles.of(List.of(0L));
        LatencyProbe.Percentiles p600 = LatencyProbe.Percentiles.of(List.of(600L));
        report.latencyLever("held", HALF, List.of(run(new LatencyProbe.Result(FAST, zero, p600), BUSY)),
                List.of(run(new LatencyProbe.Result(FAST, p600, p600), BUSY)));
        report.finish(Duration.ZERO, List.of());

        assertThat(report.table()).contains("| 6 | **lever \"held\" at 100/s (half the sustained rate): p99 produce -> "
                + "SpendAlert, without it / with it** | **not measured** |").doesNotContain("Infinity");
    }

    @Test
    void aLatencyRunTheHostPausedDuringIsCountedAndTheOtherRunsP99ShownBeside() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        LatencyProbe.Percentiles slow = LatencyProbe.Percentiles.of(List.of(100L, 560L));
        LatencyProbe.Percentiles quick = LatencyProbe.Percentiles.of(List.of(100L, 168L));
        LatencyProbe.Percentiles backedUp = LatencyProbe.Percentiles.of(List.of(2_400L, 25_824L));
        report.latency(HALF, List.of(run(new LatencyProbe.Result(FAST, slow, FAST), BUSY),
                run(new LatencyProbe.Result(FAST, quick, FAST), BUSY),
                run(new LatencyProbe.Result(FAST, backedUp, FAST), BUSY).withHostPause(25_700)));
        report.finish(Duration.ZERO, List.of(new Report.HostPause("latency run 3 at 100 requests/s", 25_700)));
        String table = report.table();

        // Over all three runs the median p99 is 560 ms; over the two unpaused ones (560, 168) it is 364 ms.
        assertThat(table).contains(
                "| 3 | produce -> SpendAlert p99 at 100/s (half the sustained rate) | 560 |",
                "| 3 | produce -> SpendAlert p99 at 100/s (half the sustained rate), over the 2 of 3 runs the host did "
                        + "not pause | 364 | ±54 % (168..560) | ms |",
                "| p99 produce-to-SpendAlert <= 500 ms at half the sustained rate | 560 ms at 100/s; CPU: bench JVM 1.8 "
                        + "cores busy, machine 2.0 of 2; the host paused during 1 of the 3 runs: 364 ms over the "
                        + "others | **no** |",
                "| p99 produce-to-SpendStatus <= 500 ms at half the sustained rate | 30 ms at 100/s; CPU: bench JVM 1.8 "
                        + "cores busy, machine 2.0 of 2; the host paused during 1 of the 3 runs: 30 ms over the others "
                        + "| yes |",
                "; the host paused during 1 run(s), listed below the targets\n",
                "\n- 25.7 s paused: latency run 3 at 100 requests/s\n");
    }

    @Test
    void whenTheHostPausedDuringEveryRunTheTargetSaysSoAndNoRowClaimsARun() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.latency(HALF, List.of(run(new LatencyProbe.Result(FAST, FAST, FAST), BUSY).withHostPause(900),
                run(new LatencyProbe.Result(FAST, FAST, FAST), BUSY).withHostPause(-700)));
        report.finish(Duration.ZERO, List.of(new Report.HostPause("latency run 1", 900),
                new Report.HostPause("latency run 2", -700)));
        String table = report.table();

        assertThat(table).contains("| 30 ms at 100/s; CPU: bench JVM 1.8 cores busy, machine 2.0 of 2; the host paused "
                + "during all 2 runs | yes |").doesNotContain("did not pause", "over the others");
    }

    @Test
    void aRunWithoutPausesSaysSoAndAddsNoRows() {
        String table = latencyTable(HALF, new LatencyProbe.Result(FAST, FAST, FAST));

        assertThat(table).contains("; the host paused during no run\n");
        assertThat(table).doesNotContain("did not pause", "host paused during 1", "Runs during which the host paused");
    }

    @Test
    void aWallClockSteppedBackIsListedAsSuch() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.finish(Duration.ZERO, List.of(new Report.HostPause("broker run 1", -600)));

        assertThat(report.table()).contains("\n- 0.6 s (wall clock stepped back): broker run 1\n");
    }

    @Test
    void thePipelineOverAllItsRunsIsJudgedAgainstTheSameBaselinesAsRowThree() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.ceiling(Stats.of(900_000), Stats.of(400_000), Stats.of(4));
        // Baselines' medians: pass-through 40,000/s and 10 µs, floor 10,000/s and 20 µs.
        report.streams(new Report.Baselines(Stats.of(30_000, 40_000, 50_000), Stats.of(10, 10, 12),
                        Stats.of(10_000, 9_000, 11_000), Stats.of(20, 21, 19)), Stats.of(9_000),
                Stats.of(50), Stats.of(1 << 20), 1_000);
        // Five runs: rates 4,000 5,000 6,000 7,000 8,000 (median 6,000), CPU 100 90 80 50 40 (median 80).
        report.pipelineOverAllRuns(List.of(run(6_000, 80), run(4_000, 100), run(8_000, 40), run(5_000, 90),
                run(7_000, 50)), 1_000);
        report.finish(Duration.ZERO, List.of());

        assertThat(report.table()).contains(
                "| 3 | pipeline over all 5 runs of the run's settings (row 3's and each lever's after), 1,000 requests "
                        + "| 6,000 | ±33 % (4,000..8,000) | requests/s |",
                "| 3 | pipeline over all 5 runs of the run's settings (row 3's and each lever's after), 1,000 requests: "
                        + "CPU of this JVM per request | 80.0 |",
                "| 3 | **pipeline over all its runs / dedup floor** | **60 %** |",
                "| 3 | **pipeline over all its runs / dedup floor, by CPU per record** | **25 %** |",
                "| 3 | **pipeline over all its runs / pass-through** | **15 %** |",
                "| 3 | **pipeline over all its runs / pass-through, by CPU per record** | **13 %** |",
                // Row 3's own ratio and target stay on its own runs.
                "| 3 | **pipeline / dedup floor** | **90 %** |", "| pipeline >= 60 % of the dedup floor | 90 % | yes |");
    }

    @Test
    void statusEndpointRowsSayNotMeasuredWhenItNeverAnswered() {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.status(FIXED, 200, List.of(new StatusProbe.Result(NONE, 0, 0, 40, 0)));
        report.finish(Duration.ZERO, List.of());

        assertThat(report.table()).contains("| 3 | GET /accounts/{account}/status p99 at 200 requests/s, pipeline at "
                + "5,000/s (fixed) | not measured |", "(0 found, 0 not found, 40 unavailable, 0 failed)");
    }

    private static String latencyTable(Report.Load load, LatencyProbe.Result result) {
        Report report = new Report(Bench.Options.quick(), Instant.now());
        report.latency(load, List.of(run(result, BUSY)));
        report.finish(Duration.ZERO, List.of());
        return report.table();
    }

    private static StreamsRuns.LatencyRun run(LatencyProbe.Result result, CpuUse cpu) {
        return new StreamsRuns.LatencyRun(result, new StatusProbe.Result(FAST, 3, 0, 0, 0), cpu, 0);
    }

    /** A pipeline run at {@code perSecond} whose heap and resident set grew by the bytes given. */
    private static StreamsRuns.PipelineRun pipeline(double perSecond, long heapBefore, long heapGrowth, long rssGrowth) {
        return new StreamsRuns.PipelineRun(perSecond, 50, new StreamsRuns.Memory(heapBefore, 0, 1L << 30),
                new StreamsRuns.Memory(heapBefore + heapGrowth, 0, (1L << 30) + rssGrowth), Map.of(), Map.of());
    }
}
