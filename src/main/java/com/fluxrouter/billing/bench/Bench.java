package com.fluxrouter.billing.bench;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.serde.Serdes;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code bin/flux-billing bench}: every measurement of the issue on one local broker in one run, each repeated,
 * then one table of medians, spreads, ratios and targets, printed and appended to the performance document.
 */
public final class Bench {
    /**
     * Sizes of a run. {@link #defaults} are the sizes; {@link #quick} a smoke run of a few minutes.
     *
     * @param latency     how long each latency run offers load; the first {@code warmup} of it is left out
     * @param latencyRate the fixed offered load of the second set of latency runs, requests per second (issue 14:
     *                    5,000); the first set offers half the sustained rate
     * @param trace a trace CSV to take token counts from, or null for the built-in distributions
     * @param doc   the document the run is appended to, or null to print only
     * @param settings pipeline settings over the defaults (Streams or flux.*), to measure a change before and after
     * @param quietLimit the longest wait for a quiet JVM before each timed Streams run ({@code QuietJvm}); zero: none
     * @param streamsWarmUp whether discarded runs of each Streams application come first ({@link #warmUp}): always for
     *               figures anyone reads; a test of the bench's plumbing (BenchIT) leaves them out to save a minute
     * @throws IllegalArgumentException when quietLimit is negative (refused here, before the run's first minutes)
     */
    public record Options(int repeat, int ceilingRecords, int streamsRecords, Duration latency, Duration warmup,
                          int latencyRate, int replayRequests, int scaleRequests, List<Integer> scaleAccounts,
                          int partitions, long seed, Path trace, Path doc, Path workDir, String command,
                          Map<String, String> settings, Duration quietLimit, boolean streamsWarmUp) {
        public Options {
            if (quietLimit.isNegative()) {
                throw new IllegalArgumentException("the quiet limit must not be negative: " + quietLimit);
            }
        }

        public static Options defaults() {
            return new Options(3, 500_000, 200_000, Duration.ofSeconds(20), Duration.ofSeconds(5), 5_000, 1_000_000,
                    200_000, List.of(1_000, 100_000, 1_000_000), 4, 1, null, Path.of("docs/performance.md"),
                    null, "bench", Map.of(), Duration.ofSeconds(10), true);
        }

        public static Options quick() {
            return new Options(1, 50_000, 20_000, Duration.ofSeconds(8), Duration.ofSeconds(2), 5_000, 50_000, 20_000,
                    List.of(1_000, 10_000, 100_000), 4, 1, null, Path.of("docs/performance.md"), null,
                    "bench --quick", Map.of(), Duration.ofSeconds(10), true);
        }
    }

    /**
     * A change to the pipeline measured before and after in the same run (issue 14's levers): {@code before} are the
     * settings that turn it off. Each repeat runs the pipeline with {@code before} and, right beside it, a pipeline
     * run of the lever's own with the run's settings (its "after"), over the same requests, alternating which of the
     * two goes first, so that no lever is measured against row 3's one pipeline run per repeat, whose luck moved every
     * pair of its repeat together (docs/performance.md, "Next levers" 4: two runs side by side turned out to differ as
     * much as any two, so a pair resolves only large effects either way).
     *
     * @param steady whether it is also measured at steady state: each repeat then runs the steady-state requests with
     *               {@code before} too, against row 3's steady-state runs (a lever on forgetting ids does its work
     *               there, where ids are forgotten)
     * @param scaling whether it is also measured at the scaling target's level (the most accounts, with the fewest
     *               accounts' request count): each repeat there also runs the pipeline with {@code before}, alternating
     *               which goes first (a lever on what a new account costs does its work there)
     * @param latency whether it is also measured in the latency runs: each repeat at each offered load also runs the
     *                pipeline with {@code before}, alternating which goes first (a lever whose cost falls at the
     *                commit, where outputs become visible, does its work there)
     */
    public record Lever(String name, Map<String, String> before, boolean steady, boolean scaling, boolean latency) {
        Lever(String name, Map<String, String> before, boolean steady) {
            this(name, before, steady, false, false);
        }
    }

    /**
     * The steady-state runs' traffic: completed over this span before the run, with a deduplication window this
     * short, so that most ids are forgotten during the run (an id an hour-rounded window after its acceptance) as they
     * are in production once the window has passed; the sustained runs, all completed at one instant, forget none.
     */
    static final Duration STEADY_SPAN = Duration.ofHours(12);
    static final Duration STEADY_WINDOW = Duration.ofHours(1);

    /**
     * The levers measured in every run. Levers measured in earlier runs and left out here keep their settings (the
     * rate and model caches, the spend-status store's record cache: docs/performance.md, "What was changed").
     */
    public static final List<Lever> LEVERS = List.of(
            new Lever("ids forgotten by a walk of the id store", Map.of(BillingConfig.FORGET_IDS_BY_DEADLINE, "true"),
                    true),
            new Lever("task idling off", Map.of(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "0"), false),
            new Lever("last spend statuses held as objects", Map.of(BillingConfig.STATUS_CACHE_ENTRIES, "0"), false),
            new Lever("published plans held as objects", Map.of(BillingConfig.PLANS_CACHE_ENTRIES, "0"), false),
            new Lever("account-months held as objects", Map.of(BillingConfig.MONTH_CACHE_ENTRIES, "0"), false),
            new Lever("writes held until the commit, in place of the record cache",
                    Map.of(BillingConfig.WRITE_BEHIND_ENTRIES, "0"), false, true, true));

    private static final double MIB = 1 << 20;

    /** Enough for the JIT to compile the pipeline's hot paths; more only lengthens the run. */
    private static final int WARM_UP_RECORDS = 50_000;

    private final Options options;
    private final PrintStream out;
    private final HostPauses pauses = new HostPauses();
    /** Each progress line during whose run the host paused, with the pause: the report lists them. */
    private final List<Report.HostPause> paused = new ArrayList<>();

    public Bench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Runs every measurement and returns the report (already printed and, if asked, appended to the document). */
    public Report run() throws Exception {
        Path work = options.workDir() != null ? Files.createDirectories(options.workDir())
                : Files.createTempDirectory("flux-bench-");
        Instant started = Instant.now();
        Report report = new Report(options, started);
        try {
            measureReplay(report, work.resolve("replay"));
            try (BenchCluster cluster = new BenchCluster(work.resolve("broker"), options.partitions())) {
                StreamsRuns streams = new StreamsRuns(cluster, work.resolve("state"), options.quietLimit());
                measureThroughput(report, cluster, streams);
                measureLatency(report, streams);
                measureScaling(report, streams);
                progress("%s", QuietJvm.summary(streams.quietWaits(), options.quietLimit()));
            }
        } finally {
            deleteRecursively(work);
        }
        report.finish(Duration.between(started, Instant.now()), paused);
        out.println(report.table());
        if (options.doc() != null) {
            report.appendTo(options.doc());
            out.println("appended to " + options.doc());
        }
        return report;
    }

    private void measureReplay(Report report, Path dir) throws IOException, InterruptedException {
        progress("replay: writing %,d requests as JSON lines", options.replayRequests());
        ReplayRuns replay = ReplayRuns.prepare(dir, options.seed(), options.trace(), options.replayRequests(),
                options.quietLimit());
        List<Double> replayed = new ArrayList<>();
        List<Double> passed = new ArrayList<>();
        List<Double> floors = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        List<Double> cpuShare = new ArrayList<>();
        List<Double> floorCpuShare = new ArrayList<>();
        List<Double> cpuPerMillion = new ArrayList<>();
        List<Double> threadCpuPerMillion = new ArrayList<>();
        List<Double> outputsPerRequest = new ArrayList<>();
        for (int run = 1; run <= options.repeat(); run++) {
            ReplayRuns.Run figures = replay.measure(run - 1);
            progress("replay run %d (%s first): %,.0f requests/s (%.1f s, %.1f s CPU, %.1f s of it the metering "
                            + "thread's), pass-through %,.0f records/s (%.1f s CPU), dedup floor %,.0f records/s "
                            + "(%.1f s CPU)", run, figures.order().get(0),
                    figures.replay().rate(), figures.replay().seconds(), figures.replay().cpuSeconds(),
                    figures.replay().threadCpuSeconds(), figures.passThrough().rate(), figures.passThrough().cpuSeconds(),
                    figures.floor().rate(), figures.floor().cpuSeconds());
            replayed.add(figures.replay().rate());
            passed.add(figures.passThrough().rate());
            floors.add(figures.floor().rate());
            seconds.add(figures.replay().seconds());
            cpuShare.add(figures.passThrough().cpuSeconds() / figures.replay().cpuSeconds());
            floorCpuShare.add(figures.floor().cpuSeconds() / figures.replay().cpuSeconds());
            cpuPerMillion.add(figures.replay().cpuSeconds() * 1_000_000 / replay.requests());
            threadCpuPerMillion.add(figures.replay().threadCpuSeconds() * 1_000_000 / replay.requests());
            outputsPerRequest.add((double) figures.replay().written() / replay.requests());
        }
        report.replay(new Report.ReplayFigures(new Stats(replayed), new Stats(passed), new Stats(floors),
                new Stats(seconds), new Stats(cpuPerMillion), new Stats(threadCpuPerMillion), new Stats(cpuShare),
                new Stats(floorCpuShare), new Stats(outputsPerRequest)), replay.requests());
    }

    private void measureThroughput(Report report, BenchCluster cluster, StreamsRuns streams) throws Exception {
        Serdes serdes = new Serdes(BillingConfig.defaults().wireFormat());
        Workload.Encoded ceilingRecords = new Workload(options.seed(), options.trace(), StreamsRuns.PLANNED_ACCOUNTS,
                Workload.Spread.SKEWED, "ceiling", serdes).encode(options.ceilingRecords(), Instant.now());
        List<Double> produce = new ArrayList<>();
        List<Double> copy = new ArrayList<>();
        List<Double> copyCpu = new ArrayList<>();
        BrokerCeiling ceiling = new BrokerCeiling(cluster);
        for (int run = 1; run <= options.repeat(); run++) {
            BrokerCeiling.Run figures = ceiling.measure(ceilingRecords, run);
            progress("broker run %d: producer %,.0f records/s, copy loop %,.0f records/s (%.1f µs CPU each)", run,
                    figures.produce(), figures.copy(), figures.copyCpuMicrosPerRecord());
            produce.add(figures.produce());
            copy.add(figures.copy());
            copyCpu.add(figures.copyCpuMicrosPerRecord());
        }
        report.ceiling(new Stats(produce), new Stats(copy), new Stats(copyCpu));

        Workload.Encoded requests = new Workload(options.seed(), options.trace(), StreamsRuns.PLANNED_ACCOUNTS,
                Workload.Spread.SKEWED, "sustained", serdes).encode(options.streamsRecords(), Instant.now());
        Instant steadyEnd = Instant.now();
        Workload.Encoded steadyRequests = new Workload(options.seed(), options.trace(), StreamsRuns.PLANNED_ACCOUNTS,
                Workload.Spread.SKEWED, "steady", serdes).encode(options.streamsRecords(), steadyEnd.minus(STEADY_SPAN),
                steadyEnd);
        Map<String, String> steadySettings = new LinkedHashMap<>(options.settings());
        steadySettings.put(BillingConfig.DEDUP_WINDOW, STEADY_WINDOW.toString());
        if (options.streamsWarmUp()) {
            warmUp(streams, serdes);
        }
        List<Double> passThrough = new ArrayList<>();
        List<Double> pipeline = new ArrayList<>();
        List<Double> passThroughCpu = new ArrayList<>();
        List<Double> pipelineCpu = new ArrayList<>();
        List<Double> floor = new ArrayList<>();
        List<Double> floorCpu = new ArrayList<>();
        List<Double> heap = new ArrayList<>();
        Map<Lever, List<StreamsRuns.PipelineRun>> before = new LinkedHashMap<>();
        Map<Lever, List<StreamsRuns.PipelineRun>> after = new LinkedHashMap<>();
        Map<Lever, List<StreamsRuns.PipelineRun>> steadyBefore = new LinkedHashMap<>();
        List<StreamsRuns.PipelineRun> steady = new ArrayList<>();
        List<StreamsRuns.PipelineRun> everyRun = new ArrayList<>();
        StreamsRuns.PipelineRun lastRun = null;
        StreamsRuns.FloorRun lastFloor = null;
        for (int run = 1; run <= options.repeat(); run++) {
            // Row 3's line reports the pass-through, the floor and the pipeline run, but the levers' lines come between
            // them: each of the three takes the clocks' gap over its own interval to that line, not to the next one.
            long rowThreeGap = pauses.sinceLast();
            StreamsRuns.Throughput pass = streams.passThrough(requests);
            StreamsRuns.FloorRun dedup = streams.dedupFloor(requests);
            rowThreeGap += pauses.sinceLast();
            // The pipeline (empty) and each lever's pair take turns at the places of the order: run r starts
            // r - 1 places along, so no place (the first after the baselines, the last) is always the same one's.
            List<Optional<Lever>> order = new ArrayList<>();
            order.add(Optional.empty());
            LEVERS.forEach(lever -> order.add(Optional.of(lever)));
            Collections.rotate(order, -(run - 1));
            StreamsRuns.PipelineRun billed = null;
            for (Optional<Lever> lever : order) {
                if (lever.isEmpty()) {
                    rowThreeGap += pauses.sinceLast();
                    billed = streams.pipeline(requests, options.settings());
                    rowThreeGap += pauses.sinceLast();
                } else {
                    measureLever(streams, requests, run, lever.get(), after, before);
                }
            }
            progressOver(rowThreeGap, "streams run %d: pass-through %,.0f records/s (%.1f µs CPU each), dedup floor %,.0f records/s "
                            + "(%.1f µs CPU each), pipeline %,.0f requests/s (%.1f µs CPU each)", run, pass.perSecond(),
                    pass.cpuMicrosPerRecord(), dedup.throughput().perSecond(), dedup.throughput().cpuMicrosPerRecord(),
                    billed.perSecond(), billed.cpuMicrosPerRecord());
            StreamsRuns.PipelineRun forgetting;
            if (run % 2 == 1) {
                forgetting = steadyRun(streams, steadyRequests, steadySettings, run);
                measureSteadyLevers(streams, steadyRequests, steadySettings, run, steadyBefore);
            } else {
                measureSteadyLevers(streams, steadyRequests, steadySettings, run, steadyBefore);
                forgetting = steadyRun(streams, steadyRequests, steadySettings, run);
            }
            steady.add(forgetting);
            passThrough.add(pass.perSecond());
            passThroughCpu.add(pass.cpuMicrosPerRecord());
            floor.add(dedup.throughput().perSecond());
            floorCpu.add(dedup.throughput().cpuMicrosPerRecord());
            pipeline.add(billed.perSecond());
            pipelineCpu.add(billed.cpuMicrosPerRecord());
            heap.add((double) billed.heapBytes());
            everyRun.add(billed);
            lastRun = billed;
            lastFloor = dedup;
        }
        report.streams(new Report.Baselines(new Stats(passThrough), new Stats(passThroughCpu), new Stats(floor),
                        new Stats(floorCpu)), new Stats(pipeline), new Stats(pipelineCpu), new Stats(heap),
                requests.size());
        after.values().forEach(everyRun::addAll);
        report.pipelineOverAllRuns(everyRun, requests.size());
        report.floorWritten(lastFloor.writtenPerRecord());
        report.written(lastRun.written(), requests.size());
        report.steady(STEADY_SPAN, STEADY_WINDOW,
                new Stats(steady.stream().map(StreamsRuns.PipelineRun::perSecond).toList()),
                new Stats(steady.stream().map(StreamsRuns.PipelineRun::cpuMicrosPerRecord).toList()),
                steady.get(steady.size() - 1).written(), steadyRequests.size());
        before.forEach((lever, runs) -> report.lever(lever.name(), after.get(lever), runs, requests.size()));
        steadyBefore.forEach((lever, runs) -> report.steadyLever(lever.name(),
                new Stats(runs.stream().map(StreamsRuns.PipelineRun::perSecond).toList()),
                new Stats(runs.stream().map(StreamsRuns.PipelineRun::cpuMicrosPerRecord).toList()),
                runs.get(runs.size() - 1).written(), steadyRequests.size()));
    }

    private StreamsRuns.PipelineRun steadyRun(StreamsRuns streams, Workload.Encoded steadyRequests,
                                              Map<String, String> steadySettings, int run) throws Exception {
        StreamsRuns.PipelineRun forgetting = streams.pipeline(steadyRequests, steadySettings);
        progress("steady-state run %d (completed over %s, dedup window %s): %,.0f requests/s (%.1f µs CPU each)",
                run, STEADY_SPAN, STEADY_WINDOW, forgetting.perSecond(), forgetting.cpuMicrosPerRecord());
        return forgetting;
    }

    /** One steady-state pipeline run per steady lever with the lever turned off, added to {@code before}. */
    private void measureSteadyLevers(StreamsRuns streams, Workload.Encoded steadyRequests,
                                     Map<String, String> steadySettings, int run,
                                     Map<Lever, List<StreamsRuns.PipelineRun>> before) throws Exception {
        for (Lever lever : LEVERS) {
            if (!lever.steady()) {
                continue;
            }
            StreamsRuns.PipelineRun without = pipelineWithout(streams, steadyRequests, steadySettings, lever);
            progress("steady-state lever run %d, without %s: %,.0f requests/s (%.1f µs CPU each)", run, lever.name(),
                    without.perSecond(), without.cpuMicrosPerRecord());
            before.computeIfAbsent(lever, key -> new ArrayList<>()).add(without);
        }
    }

    /**
     * One pair of pipeline runs for {@code lever}: with the run's settings, added to {@code after}, and with the lever
     * turned off, added to {@code before}; the "after" first in odd repeats, second in even ones.
     */
    private void measureLever(StreamsRuns streams, Workload.Encoded requests, int run, Lever lever,
                              Map<Lever, List<StreamsRuns.PipelineRun>> after,
                              Map<Lever, List<StreamsRuns.PipelineRun>> before) throws Exception {
        for (boolean with : run % 2 == 1 ? new boolean[] {true, false} : new boolean[] {false, true}) {
            StreamsRuns.PipelineRun measured = with ? streams.pipeline(requests, options.settings())
                    : pipelineWithout(streams, requests, options.settings(), lever);
            progress("lever run %d, %s %s: %,.0f requests/s (%.1f µs CPU each)", run, with ? "with" : "without",
                    lever.name(), measured.perSecond(), measured.cpuMicrosPerRecord());
            (with ? after : before).computeIfAbsent(lever, key -> new ArrayList<>()).add(measured);
        }
    }

    /** One run of the scaling level per scaling lever with the lever turned off, added to {@code before}. */
    private void measureScalingLevers(StreamsRuns streams, Workload.Encoded requests, Report.Level level, int run,
                                      Map<Lever, List<StreamsRuns.PipelineRun>> before) throws Exception {
        for (Lever lever : LEVERS) {
            if (!lever.scaling()) {
                continue;
            }
            StreamsRuns.PipelineRun without = pipelineWithout(streams, requests, options.settings(), lever);
            progress("scaling lever run %d, %,d accounts (%,d requests), without %s: %,.0f requests/s (%.1f µs CPU "
                    + "each)", run, level.accounts(), level.requests(), lever.name(), without.perSecond(),
                    without.cpuMicrosPerRecord());
            before.computeIfAbsent(lever, key -> new ArrayList<>()).add(without);
        }
    }

    /**
     * One pipeline run with {@code lever} turned off: every lever's "before" (sustained, steady-state, scaling) runs
     * through here, so BenchIT's check of the walk lever's steady-state "before" also holds the others to their settings.
     */
    private static StreamsRuns.PipelineRun pipelineWithout(StreamsRuns streams, Workload.Encoded requests,
                                                          Map<String, String> settings, Lever lever) throws Exception {
        return streams.pipeline(requests, without(settings, lever));
    }

    /** Settings a run was given, as progress lines print them: {@code key=value}, in key order, comma-separated. */
    private static String settingsText(Map<String, String> settings) {
        return new TreeMap<>(settings).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** {@code settings} (the run's, or the steady-state runs') with {@code lever} turned off. */
    private static Map<String, String> without(Map<String, String> settings, Lever lever) {
        Map<String, String> off = new LinkedHashMap<>(settings);
        off.putAll(lever.before());
        return off;
    }

    /**
     * One discarded pass-through, dedup-floor and pipeline run (and one of each lever's "before") before any is measured: otherwise the first measured pipeline run
     * is the first time the pipeline's code (serdes, pricing, RocksDB) runs in this JVM, and being interpreted and
     * compiled it sets the sustained median, the ratios and the latency's offered load too low.
     */
    private void warmUp(StreamsRuns streams, Serdes serdes) throws Exception {
        int size = Math.min(options.streamsRecords(), WARM_UP_RECORDS);
        Workload.Encoded requests = new Workload(options.seed() + 1, options.trace(), StreamsRuns.PLANNED_ACCOUNTS,
                Workload.Spread.SKEWED, "warmup", serdes).encode(size, Instant.now());
        StreamsRuns.Throughput pass = streams.passThrough(requests);
        StreamsRuns.FloorRun dedup = streams.dedupFloor(requests);
        StreamsRuns.PipelineRun billed = streams.pipeline(requests, options.settings());
        for (Lever lever : LEVERS) {
            pipelineWithout(streams, requests, options.settings(), lever);
        }
        progress("warm-up (discarded), %,d records: pass-through %,.0f records/s, dedup floor %,.0f records/s, "
                + "pipeline %,.0f requests/s", size, pass.perSecond(), dedup.throughput().perSecond(), billed.perSecond());
    }

    /**
     * Latency at two offered loads (issue 14): half the sustained rate, and {@link Options#latencyRate} fixed. Each
     * repeat runs both, alternating which goes first, so neither always runs on the warmer JVM. A lever measured in
     * the latency runs ({@link Lever#latency}) runs beside each of them with its {@code before}, alternating which of
     * the two goes first, at the same load and over the same requests.
     */
    private void measureLatency(Report report, StreamsRuns streams) throws Exception {
        List<Report.Load> loads = List.of(
                new Report.Load(Math.max(1, report.pipelineRate() / 2), false),
                new Report.Load(options.latencyRate(), true));
        List<Lever> levers = LEVERS.stream().filter(Lever::latency).toList();
        Map<Report.Load, List<StreamsRuns.LatencyRun>> measured = new LinkedHashMap<>();
        Map<Lever, Map<Report.Load, List<StreamsRuns.LatencyRun>>> before = new LinkedHashMap<>();
        for (int run = 1; run <= options.repeat(); run++) {
            List<Report.Load> order = new ArrayList<>(loads);
            if (run % 2 == 0) {
                Collections.reverse(order);
            }
            boolean beforeFirst = run % 2 == 1;
            for (Report.Load load : order) {
                if (beforeFirst) {
                    latencyBefore(streams, levers, load, run, before);
                }
                measured.computeIfAbsent(load, key -> new ArrayList<>()).add(latencyRun(streams, load, run, null));
                if (!beforeFirst) {
                    latencyBefore(streams, levers, load, run, before);
                }
            }
        }
        measured.forEach(report::latency);
        before.forEach((lever, runs) -> runs.forEach((load, without) ->
                report.latencyLever(lever.name(), load, measured.get(load), without)));
    }

    /** One latency run per lever with its {@code before}, at {@code load}, added to {@code before}. */
    private void latencyBefore(StreamsRuns streams, List<Lever> levers, Report.Load load, int run,
                               Map<Lever, Map<Report.Load, List<StreamsRuns.LatencyRun>>> before) throws Exception {
        for (Lever lever : levers) {
            before.computeIfAbsent(lever, key -> new LinkedHashMap<>()).computeIfAbsent(load, key -> new ArrayList<>())
                    .add(latencyRun(streams, load, run, lever));
        }
    }

    /** @param lever the lever whose {@code before} the run takes, or null for the pipeline as configured */
    private StreamsRuns.LatencyRun latencyRun(StreamsRuns streams, Report.Load load, int run, Lever lever)
            throws Exception {
        Workload workload = new Workload(options.seed() + run, options.trace(), StreamsRuns.PLANNED_ACCOUNTS,
                Workload.Spread.SKEWED, "latency-" + (load.fixed() ? "fixed-" : "half-") + run,
                new Serdes(BillingConfig.defaults().wireFormat()));
        Map<String, String> settings = lever == null ? options.settings() : without(options.settings(), lever);
        StreamsRuns.LatencyRun measured = streams.latency(workload, load.rate(), options.latency(), options.warmup(),
                settings, options.seed() + run);
        LatencyProbe.Result result = measured.outputs();
        StatusProbe.Result status = measured.status();
        long gap = progress("latency run %d%s at %,.0f requests/s (%s): overage p50 %.0f p99 %.0f max %.0f ms (%,d); alerts p50 %.0f "
                        + "p99 %.0f max %.0f ms (%,d); statuses p50 %.0f p99 %.0f max %.0f ms (%,d); CPU: bench JVM "
                        + "%.2f cores busy, machine %.2f of %d; status endpoint p50 %.1f p99 %.1f max %.1f ms (%,d "
                        + "found, %,d not found, %,d unavailable, %,d failed)", run,
                lever == null ? "" : " without \"" + lever.name() + "\" (" + settingsText(settings) + ")",
                load.rate(), load.name(),
                result.overage().p50(), result.overage().p99(), result.overage().max(), result.overage().samples(),
                result.alerts().p50(), result.alerts().p99(), result.alerts().max(), result.alerts().samples(),
                result.statuses().p50(), result.statuses().p99(), result.statuses().max(),
                result.statuses().samples(), measured.cpu().jvmCores(), measured.cpu().machineCores(),
                measured.cpu().cores(), status.answers().p50(), status.answers().p99(), status.answers().max(),
                status.found(), status.notFound(), status.unavailable(), status.failed());
        return measured.withHostPause(gap);
    }

    /**
     * Each level sends at least as many requests as it has accounts, evenly spread, so every account of the level is
     * billed: the 1,000,000-account runs hold 1,000,000 account-months and as many request ids. The level with the
     * most accounts runs a second time, first, with the request count of the level with the fewest (issue 14: vary
     * one thing at a time), unless that is already its count: the scaling target compares those two.
     */
    private void measureScaling(Report report, StreamsRuns streams) throws Exception {
        Serdes serdes = new Serdes(BillingConfig.defaults().wireFormat());
        int fewest = Collections.min(options.scaleAccounts());
        int most = Collections.max(options.scaleAccounts());
        int fewestRequests = Math.max(options.scaleRequests(), fewest);
        List<Report.Level> levels = new ArrayList<>();
        for (int accounts : options.scaleAccounts()) {
            int requests = Math.max(options.scaleRequests(), accounts);
            if (accounts == most && requests != fewestRequests) {
                levels.add(new Report.Level(accounts, fewestRequests));
            }
            levels.add(new Report.Level(accounts, requests));
        }
        Map<Report.Level, List<StreamsRuns.PipelineRun>> measured = new LinkedHashMap<>();
        Map<Lever, List<StreamsRuns.PipelineRun>> before = new LinkedHashMap<>();
        Report.Level largest = levels.get(0);
        Workload.Encoded largestRequests = null;
        for (Report.Level level : levels) {
            Workload.Encoded requests = new Workload(options.seed(), options.trace(), level.accounts(),
                    Workload.Spread.EVEN, "scale-" + level.accounts() + "-" + level.requests(), serdes)
                    .encode(level.requests(), Instant.now());
            List<StreamsRuns.PipelineRun> runs = new ArrayList<>();
            boolean target = level.accounts() == most && level.requests() == fewestRequests;
            for (int run = 1; run <= options.repeat(); run++) {
                // At the target's level the scaling levers' "before" runs alternate with it: first in even repeats.
                if (target && run % 2 == 0) {
                    measureScalingLevers(streams, requests, level, run, before);
                }
                StreamsRuns.PipelineRun billed = streams.pipeline(requests, options.settings());
                progress("scaling run %d, %,d accounts (%,d requests, %,d accounts billed): %,.0f requests/s, heap "
                                + "growth %.1f MiB, RSS growth %.1f MiB", run, level.accounts(), requests.size(),
                        requests.accounts(), billed.perSecond(), billed.heapBytes() / MIB, billed.rssBytes() / MIB);
                runs.add(billed);
                if (target && run % 2 == 1) {
                    measureScalingLevers(streams, requests, level, run, before);
                }
            }
            measured.put(level, runs);
            if (level.accounts() > largest.accounts()
                    || level.accounts() == largest.accounts() && level.requests() >= largest.requests()) {
                largest = level;
                largestRequests = requests;
            }
        }
        report.scaling(measured);
        Report.Level target = new Report.Level(most, fewestRequests);
        before.forEach((lever, without) -> report.scalingLever(lever.name(), target, measured.get(target), without));
        List<StreamsRuns.PipelineRun> largestRuns = new ArrayList<>(measured.get(largest));
        largestRuns.sort(Comparator.comparingDouble(StreamsRuns.PipelineRun::perSecond));
        report.state(largestRuns.get(largestRuns.size() / 2), largestRequests.accounts(), largestRequests.size());
    }

    /**
     * Prints a progress line, stamped with the wall clock (so that a profile's events can be matched to the runs),
     * and marks it when the host paused since the line before: what a line reports is the run that ended with it,
     * so a pause is the run's ({@link HostPauses}).
     *
     * @return how far the wall clock ran ahead of the monotonic clock since the line before, in milliseconds
     */
    private long progress(String format, Object... args) {
        return progressOver(0, format, args);
    }

    /**
     * {@link #progress} for a line whose runs did not all run since the line before (row 3's: other lines come between
     * its pass-through, floor and pipeline runs): {@code earlierGap} is the clocks' gap over the intervals of those
     * that ran earlier, taken from {@link #pauses} as each ended, so that the line, not the next one, carries it.
     */
    private long progressOver(long earlierGap, String format, Object... args) {
        long gap = earlierGap + pauses.sinceLast();
        String line = String.format(format, args);
        if (HostPauses.isPause(gap)) {
            paused.add(new Report.HostPause(line, gap));
            line += String.format(Locale.ROOT, " [host paused: the wall clock ran %.1f s %s the monotonic clock over "
                    + "the line's runs]", Math.abs(gap) / 1000.0, gap > 0 ? "ahead of" : "behind");
        }
        out.printf("%s [bench] %s%n", Instant.now().truncatedTo(ChronoUnit.MILLIS), line);
        out.flush();
        return gap;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.toList());
            Collections.reverse(all);
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        }
    }
}
