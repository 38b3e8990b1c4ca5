package com.fluxrouter.billing.bench;

import com.fluxrouter.billing.metering.MeteringFlow;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The table of a bench run: every figure as the median of its runs with their spread, the ratios against the
 * baselines of the same run, and each target met or not. Ratios are ratios of medians.
 */
public final class Report {
    private final Bench.Options options;
    private final Instant started;
    private final List<String> rows = new ArrayList<>();
    private final List<String> targets = new ArrayList<>();
    private Duration took = Duration.ZERO;
    /** Load average of the machine at the start and the end: other work on it shows in every wall-clock figure. */
    private final double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    private double loadAtEnd;
    private static final double MIB = 1 << 20;
    private Stats copy;
    private Stats copyCpu;
    private Stats pipeline;
    private Stats pipelineCpu;
    private Stats steadyRates;
    private Stats steadyCpu;
    private Baselines baselines;
    private List<HostPause> hostPauses = List.of();

    Report(Bench.Options options, Instant started) {
        this.options = options;
        this.started = started;
    }

    /**
     * The Streams baselines of the same run, each over the same records as the pipeline: rates in records per second
     * and CPU in µs of this JVM's process CPU time per record.
     */
    record Baselines(Stats passThrough, Stats passThroughCpu, Stats floor, Stats floorCpu) {
    }

    void ceiling(Stats produce, Stats copyLoop, Stats copyLoopCpu) {
        this.copy = copyLoop;
        this.copyCpu = copyLoopCpu;
        row("1", "broker: plain producer, acks=all", produce, "records/s");
        row("1", "broker: consume-and-produce copy loop, acks=all", copyLoop, "records/s");
        row("1", "broker: copy loop: CPU of this JVM (broker, consumer, producer) per record", copyLoopCpu, "µs");
    }

    /**
     * The pipeline against its three baselines (pass-through, dedup floor, copy loop), by throughput and by CPU per
     * record, and the throughput targets of issue 14: at least 60 % of the dedup floor and 25 % of the pass-through.
     */
    void streams(Baselines baselines, Stats pipelineRates, Stats pipelineCpu, Stats heapBytes, int records) {
        this.baselines = baselines;
        this.pipeline = pipelineRates;
        this.pipelineCpu = pipelineCpu;
        Stats passThrough = baselines.passThrough();
        Stats floor = baselines.floor();
        row("2", "Streams pass-through, exactly_once_v2 (" + count(records) + " records)", passThrough, "records/s");
        row("2", "Streams pass-through: CPU of this JVM (broker, producer, app) per record", baselines.passThroughCpu(),
                "µs");
        row("2", "dedup floor, exactly_once_v2 (" + count(records) + " records; a RocksDB store of request ids with its "
                + "changelog, one get and one put, one output each)", floor, "records/s");
        row("2", "dedup floor: CPU of this JVM (broker, producer, app) per record", baselines.floorCpu(), "µs");
        ratio("2", "dedup floor / pass-through", floor.median() / passThrough.median());
        ratio("2", "dedup floor / pass-through, by CPU per record", baselines.passThroughCpu().median()
                / baselines.floorCpu().median());
        row("3", "pipeline sustained, exactly_once_v2 (" + count(records) + " requests, 1,000 accounts)", pipelineRates,
                "requests/s");
        row("3", "pipeline: CPU of this JVM (broker, producer, app) per request", pipelineCpu, "µs");
        double ofFloor = pipelineRates.median() / floor.median();
        double ofPassThrough = pipelineRates.median() / passThrough.median();
        ratio("3", "pipeline / dedup floor", ofFloor);
        ratio("3", "pipeline / pass-through", ofPassThrough);
        ratio("3", "pipeline / copy loop", pipelineRates.median() / copy.median());
        // By CPU: the baseline's CPU per record over the pipeline's, so that like the rates it reads "pipeline / baseline".
        ratio("3", "pipeline / dedup floor, by CPU per record", baselines.floorCpu().median() / pipelineCpu.median());
        ratio("3", "pipeline / pass-through, by CPU per record", baselines.passThroughCpu().median()
                / pipelineCpu.median());
        ratio("3", "pipeline / copy loop, by CPU per record", copyCpu.median() / pipelineCpu.median());
        row("3", "pipeline heap after GC, growth over the run (see docs)", scaled(heapBytes, 1.0 / (1 << 20)), "MiB");
        target("pipeline >= 60 % of the dedup floor", ofFloor >= 0.60, percent(ofFloor));
        target("pipeline >= 25 % of the pass-through", ofPassThrough >= 0.25, percent(ofPassThrough));
    }

    /**
     * The pipeline over every run of the run's own settings and requests: row 3's and each lever's "after"
     * ({@link #lever}), against the same baselines as row 3. One configuration's runs spread as widely as any two
     * configurations' (docs/performance.md, "Next levers" 4), so the median of all of them is the steadiest figure of
     * the pipeline a run has; row 3 and its targets stay on row 3's own runs, beside the baselines in each repeat.
     *
     * @param runs every such run, each with its rate (requests/s) and CPU (µs of this JVM per request)
     */
    void pipelineOverAllRuns(List<StreamsRuns.PipelineRun> runs, int requests) {
        Stats rates = stat(runs, StreamsRuns.PipelineRun::perSecond);
        Stats cpu = stat(runs, StreamsRuns.PipelineRun::cpuMicrosPerRecord);
        String all = "pipeline over all " + count(runs.size()) + " runs of the run's settings (row 3's and each lever's "
                + "after), " + count(requests) + " requests";
        row("3", all, rates, "requests/s");
        row("3", all + ": CPU of this JVM per request", cpu, "µs");
        ratio("3", "pipeline over all its runs / dedup floor", rates.median() / baselines.floor().median());
        ratio("3", "pipeline over all its runs / dedup floor, by CPU per record",
                baselines.floorCpu().median() / cpu.median());
        ratio("3", "pipeline over all its runs / pass-through", rates.median() / baselines.passThrough().median());
        ratio("3", "pipeline over all its runs / pass-through, by CPU per record",
                baselines.passThroughCpu().median() / cpu.median());
    }

    /**
     * A lever's before/after pairs of the same run: the pipeline runs beside each "before" with it ({@code with}) and
     * without it ({@code without}, over the same requests), by throughput and by CPU per request, medians against
     * medians.
     */
    void lever(String name, List<StreamsRuns.PipelineRun> with, List<StreamsRuns.PipelineRun> without, int requests) {
        String lever = "lever \"" + name + "\": ";
        Stats withCpu = stat(with, StreamsRuns.PipelineRun::cpuMicrosPerRecord);
        Stats withoutCpu = stat(without, StreamsRuns.PipelineRun::cpuMicrosPerRecord);
        row("6", lever + "pipeline with it (after, beside each before), " + count(requests) + " requests",
                stat(with, StreamsRuns.PipelineRun::perSecond), "requests/s");
        row("6", lever + "CPU of this JVM per request with it (after)", withCpu, "µs");
        row("6", lever + "pipeline without it (before), " + count(requests) + " requests",
                stat(without, StreamsRuns.PipelineRun::perSecond), "requests/s");
        row("6", lever + "CPU of this JVM per request without it (before)", withoutCpu, "µs");
        ratio("6", lever + "pipeline with it / without it", median(with) / median(without));
        ratio("6", lever + "with it / without it, by CPU per request", withoutCpu.median() / withCpu.median());
    }

    /**
     * The pipeline at steady state: traffic completed over {@code span} with a deduplication window of {@code window},
     * so that ids are forgotten (and their deadlines and ids deleted, with changelog tombstones) during the run.
     *
     * @param written records written per topic by the last of those runs
     */
    void steady(Duration span, Duration window, Stats rates, Stats cpu, Map<String, Long> written, int requests) {
        steadyRates = rates;
        steadyCpu = cpu;
        String what = "pipeline at steady state (" + count(requests) + " requests completed over " + span
                + ", dedup window " + window + ": ids forgotten during the run)";
        row("3", what, rates, "requests/s");
        row("3", "pipeline at steady state: CPU of this JVM per request", cpu, "µs");
        ratio("3", "pipeline at steady state / pipeline sustained", rates.median() / pipeline.median());
        ratio("3", "pipeline at steady state / pipeline sustained, by CPU per request",
                pipelineCpu.median() / cpu.median());
        long total = 0;
        for (Map.Entry<String, Long> topic : written.entrySet()) {
            total += topic.getValue();
            String name = topic.getKey().replaceFirst("^bench-pipeline-\\d+-", "");
            if (name.endsWith("-changelog")) {
                row("3", "records written per request at steady state: " + name,
                        Stats.of((double) topic.getValue() / requests), "records");
            }
        }
        row("3", "records written per request at steady state, all topics (with transaction markers)",
                Stats.of((double) total / requests), "records");
    }

    /**
     * A lever measured at steady state: the steady-state pipeline without it, against row 3's steady-state runs
     * (reported first, by {@link #steady}).
     *
     * @param written records written per topic by the last run without it
     */
    void steadyLever(String name, Stats beforeRates, Stats beforeCpu, Map<String, Long> written, int requests) {
        String lever = "lever \"" + name + "\" at steady state";
        row("6", lever + ": pipeline without it (before), " + count(requests) + " requests", beforeRates, "requests/s");
        row("6", lever + ": CPU of this JVM per request without it (before)", beforeCpu, "µs");
        ratio("6", lever + ": pipeline with it / without it", steadyRates.median() / beforeRates.median());
        ratio("6", lever + ": with it / without it, by CPU per request", beforeCpu.median() / steadyCpu.median());
        long total = 0;
        for (Map.Entry<String, Long> topic : written.entrySet()) {
            total += topic.getValue();
            String topicName = topic.getKey().replaceFirst("^bench-pipeline-\\d+-", "");
            if (topicName.endsWith("-changelog")) {
                row("6", lever + ": records written per request without it: " + topicName,
                        Stats.of((double) topic.getValue() / requests), "records");
            }
        }
        row("6", lever + ": records written per request without it, all topics (with transaction markers)",
                Stats.of((double) total / requests), "records");
    }

    /** What the dedup floor wrote per input: its output and its changelog, so a little over 2. */
    void floorWritten(double perRecord) {
        row("2", "dedup floor: records written per input (output + changelog, with transaction markers)",
                Stats.of(perRecord), "records");
    }

    /** Records the pipeline wrote per input request, by topic: outputs and changelogs. */
    void written(Map<String, Long> written, int requests) {
        long total = 0;
        for (Map.Entry<String, Long> topic : written.entrySet()) {
            total += topic.getValue();
            String name = topic.getKey().replaceFirst("^bench-pipeline-\\d+-", "");
            row("3", "records written per request: " + name, Stats.of((double) topic.getValue() / requests), "records");
        }
        row("3", "records written per request, all topics (with transaction markers)", Stats.of((double) total / requests),
                "records");
    }

    double pipelineRate() {
        return pipeline.median();
    }

    /**
     * An offered load of latency runs: half the sustained rate, or a fixed rate (issue 14: 5,000/s).
     *
     * @param rate  requests per second
     * @param fixed whether it is the fixed rate rather than half the sustained one
     */
    record Load(double rate, boolean fixed) {
        String name() {
            return fixed ? "fixed" : "half the sustained rate";
        }

        /** How rows name it: the rate and what it is. */
        String atRate() {
            return " at " + count(Math.round(rate)) + "/s (" + name() + ")";
        }

        /** How targets name it: the words, the same in every run. */
        String inTarget() {
            return fixed ? "at " + count(Math.round(rate)) + "/s" : "at half the sustained rate";
        }
    }

    /**
     * A latency figure over the runs: its p99s, how many outputs all the runs sampled, and the p99s of the runs the
     * host did not pause (null when it paused during none, or during all).
     */
    private record Latency(Stats p99, long samples, Stats unpausedP99, int runs, int pausedRuns) {
        Latency unpaused(Stats p99s, int paused) {
            return new Latency(p99, samples, p99s, runs, paused);
        }
    }

    /**
     * When the host paused during some of the load's runs ({@link HostPauses}): the p99 over the others, as a row.
     *
     * @return their p99s, or null when the host paused during none or during all (no row then)
     */
    private Stats unpausedRow(String output, Load load, List<LatencyProbe.Result> unpaused, int runs,
                              Function<LatencyProbe.Result, LatencyProbe.Percentiles> of) {
        if (unpaused.size() == runs || unpaused.isEmpty()) {
            return null;
        }
        Stats p99 = stat(unpaused, r -> of.apply(r).p99());
        row("3", "produce -> " + output + " p99" + load.atRate() + ", over the " + count(unpaused.size()) + " of "
                + count(runs) + " runs the host did not pause", p99, "ms");
        return p99;
    }

    /**
     * The latency runs at one offered load: produce to OverageUpdate, SpendAlert and SpendStatus (p50, p99, max), the
     * CPU used while the load was offered, the status endpoint's answers meanwhile, and issue 14's targets: p99
     * produce-to-SpendAlert and produce-to-SpendStatus at most 500 ms, each with the CPU beside it (the issue
     * accepts a miss at half the sustained rate if CPU figures show two saturated cores).
     */
    void latency(Load load, List<StreamsRuns.LatencyRun> runs) {
        List<LatencyProbe.Result> results = runs.stream().map(StreamsRuns.LatencyRun::outputs).toList();
        List<LatencyProbe.Result> unpaused = runs.stream().filter(run -> !run.hostPaused())
                .map(StreamsRuns.LatencyRun::outputs).toList();
        outputRows("OverageUpdate", "updates", load, results, LatencyProbe.Result::overage);
        Latency alerts = outputRows("SpendAlert", "alerts", load, results, LatencyProbe.Result::alerts)
                .unpaused(unpausedRow("SpendAlert", load, unpaused, results.size(), LatencyProbe.Result::alerts),
                        results.size() - unpaused.size());
        Latency statuses = outputRows("SpendStatus", "statuses", load, results, LatencyProbe.Result::statuses)
                .unpaused(unpausedRow("SpendStatus", load, unpaused, results.size(), LatencyProbe.Result::statuses),
                        results.size() - unpaused.size());
        Stats jvm = stat(runs, run -> run.cpu().jvmCores());
        Stats machine = stat(runs, run -> run.cpu().machineCores());
        int cores = runs.get(0).cpu().cores();
        row("3", "CPU while offered" + load.atRate() + ": bench JVM (broker, pipeline, load, consumers), cores busy",
                jvm, "cores");
        row("3", "CPU while offered" + load.atRate() + ": whole machine (/proc/stat), cores busy of " + cores, machine,
                "cores");
        String cpu = String.format(Locale.ROOT, " at %s/s; CPU: bench JVM %s cores busy, machine %s of %d",
                count(Math.round(load.rate())), number(jvm.median()), number(machine.median()), cores);
        latencyTarget("SpendAlert", alerts, load, cpu);
        latencyTarget("SpendStatus", statuses, load, cpu);
        status(load, StreamsRuns.STATUS_RATE, runs.stream().map(StreamsRuns.LatencyRun::status).toList());
    }

    /**
     * A lever's before/after pair in the latency runs at one offered load, from the same run: the runs without it
     * against those of {@link #latency} at that load, by the p99 of produce to SpendAlert and to SpendStatus (medians
     * over the runs), and the bench JVM's CPU meanwhile. The ratios are without / with, so that above 100 % the lever
     * helps, as in every other pair.
     *
     * @param with    the load's runs, the lever on
     * @param without the load's runs with the lever turned off, the same requests at the same rate
     */
    void latencyLever(String name, Load load, List<StreamsRuns.LatencyRun> with, List<StreamsRuns.LatencyRun> without) {
        String lever = "lever \"" + name + "\"" + load.atRate();
        for (String output : List.of("SpendAlert", "SpendStatus")) {
            Function<LatencyProbe.Result, LatencyProbe.Percentiles> of = output.equals("SpendAlert")
                    ? LatencyProbe.Result::alerts : LatencyProbe.Result::statuses;
            Stats withP99 = stat(with, run -> of.apply(run.outputs()).p99());
            Stats withoutP99 = stat(without, run -> of.apply(run.outputs()).p99());
            row("6", lever + ": produce -> " + output + " p99 without it (before)", withoutP99, "ms");
            ratio("6", lever + ": p99 produce -> " + output + ", without it / with it",
                    withoutP99.median() / withP99.median());
        }
        row("6", lever + ": CPU while offered without it (before), bench JVM, cores busy",
                stat(without, run -> run.cpu().jvmCores()), "cores");
    }

    private Latency outputRows(String output, String noun, Load load, List<LatencyProbe.Result> results,
                               Function<LatencyProbe.Result, LatencyProbe.Percentiles> of) {
        Stats p99 = stat(results, r -> of.apply(r).p99());
        long samples = results.stream().mapToLong(r -> of.apply(r).samples()).sum();
        row("3", "produce -> " + output + " p50" + load.atRate(), stat(results, r -> of.apply(r).p50()), "ms");
        row("3", "produce -> " + output + " p99" + load.atRate(), p99, "ms");
        row("3", "produce -> " + output + " max" + load.atRate() + " (" + count(samples) + " " + noun + ")",
                stat(results, r -> of.apply(r).max()), "ms");
        return new Latency(p99, samples, null, results.size(), 0);
    }

    private void latencyTarget(String output, Latency latency, Load load, String cpu) {
        String what = "p99 produce-to-" + output + " <= 500 ms " + load.inTarget();
        if (latency.samples() == 0) {
            notEstablished(what, "not measured: no " + output + " in the latency runs" + cpu);
            return;
        }
        double p99 = latency.p99().median();
        String paused = "";
        if (latency.pausedRuns() == latency.runs()) {
            paused = String.format(Locale.ROOT, "; the host paused during all %d runs", latency.runs());
        } else if (latency.pausedRuns() > 0) {
            double others = latency.unpausedP99().median();
            paused = String.format(Locale.ROOT, "; the host paused during %d of the %d runs: %s over the others",
                    latency.pausedRuns(), latency.runs(), Double.isNaN(others) ? "not measured"
                            : String.format(Locale.ROOT, "%.0f ms", others));
        }
        target(what, p99 <= 500, String.format(Locale.ROOT, "%.0f ms", p99) + cpu + paused);
    }

    /**
     * The status endpoint's latency during the latency runs at one load, over its answers (200 and 404); the
     * outcomes are counted over all runs, so a run whose endpoint answered 503 or nothing shows.
     */
    void status(Load load, double statusRate, List<StatusProbe.Result> results) {
        String at = " at " + count((long) statusRate) + " requests/s, pipeline" + load.atRate();
        long found = results.stream().mapToLong(StatusProbe.Result::found).sum();
        long notFound = results.stream().mapToLong(StatusProbe.Result::notFound).sum();
        long unavailable = results.stream().mapToLong(StatusProbe.Result::unavailable).sum();
        long failed = results.stream().mapToLong(StatusProbe.Result::failed).sum();
        row("3", "GET /accounts/{account}/status p50" + at, stat(results, r -> r.answers().p50()), "ms");
        row("3", "GET /accounts/{account}/status p99" + at, stat(results, r -> r.answers().p99()), "ms");
        row("3", "GET /accounts/{account}/status max" + at + " (" + count(found) + " found, " + count(notFound)
                + " not found, " + count(unavailable) + " unavailable, " + count(failed) + " failed)",
                stat(results, r -> r.answers().max()), "ms");
    }

    /**
     * State and memory after the largest scaling run: RocksDB bytes per store, and this JVM's heap (after GC) and
     * resident set, their growth over the run divided by the account-months and by the request ids it held. That run
     * holds both at once (one id per account-month when every account gets one request), so the two "per" figures
     * divide the same growth; they are not to be added.
     *
     * @param run           the run (its median by throughput)
     * @param accountMonths account-months it held (one per account billed)
     * @param ids           request ids it remembered (one per request)
     */
    void state(StreamsRuns.PipelineRun run, int accountMonths, int ids) {
        long idBytes = run.store(MeteringFlow.REQUEST_IDS_STORE) + run.store(MeteringFlow.DEADLINES_STORE);
        row("3", "RocksDB account-months per 1,000 account-months (" + count(accountMonths) + " held)",
                Stats.of(run.store(MeteringFlow.MONTHS_STORE) / 1024.0 / (accountMonths / 1000.0)), "KiB");
        row("3", "RocksDB request ids per 1M ids (accepted-request-ids + billing-deadlines, " + count(ids) + " held)",
                Stats.of(idBytes / MIB / (ids / 1e6)), "MiB");
        String held = " (" + count(accountMonths) + " account-months and " + count(ids) + " ids held together)";
        double heap = run.heapBytes() / MIB;
        double rss = run.rssBytes() / MIB;
        row("3", "heap after GC, growth over the run, per 1M account-months" + held, Stats.of(heap / (accountMonths / 1e6)),
                "MiB");
        row("3", "heap after GC, growth over the run, per 1M remembered ids" + held, Stats.of(heap / (ids / 1e6)), "MiB");
        row("3", "RSS (VmRSS of the bench JVM, broker included), growth over the run, per 1M account-months" + held,
                Stats.of(rss / (accountMonths / 1e6)), "MiB");
        row("3", "RSS (VmRSS of the bench JVM, broker included), growth over the run, per 1M remembered ids" + held,
                Stats.of(rss / (ids / 1e6)), "MiB");
        String end = " at the end of that run (after GC, stores open)";
        row("3", "RSS of the bench JVM" + end, Stats.of(run.after().rss() < 0 ? Double.NaN : run.after().rss() / MIB),
                "MiB");
        row("3", "heap committed" + end + ", part of that RSS", Stats.of(run.after().heapCommitted() / MIB), "MiB");
    }

    /**
     * Row 4's figures, each over the repeats: rates in input records per second; {@code seconds} replay's wall time;
     * {@code cpuPerMillion} this JVM's CPU time during replay (every thread: the metering one, the input's read-ahead,
     * GC, JIT) and {@code threadCpuPerMillion} the metering thread's alone (it also writes the outputs), s per 1,000,000
     * requests; {@code passCpuShare} and {@code floorCpuShare} per run, the pass-through's and the dedup floor's JVM
     * CPU time over replay's; {@code outputsPerRequest} the records replay wrote (every output file) per request.
     */
    record ReplayFigures(Stats replayRates, Stats passThroughRates, Stats floorRates, Stats seconds, Stats cpuPerMillion,
                         Stats threadCpuPerMillion, Stats passCpuShare, Stats floorCpuShare, Stats outputsPerRequest) {
    }

    /**
     * Replay against the pass-through processor and the dedup floor on the same driver (issue 14: 1,000,000 requests
     * in at most 12 s, and at least 50 % of the pass-through's rate; the floor is what replay is measured against when
     * that is not met).
     */
    void replay(ReplayFigures figures, int requests) {
        row("4", "replay of " + count(requests) + " requests from files", figures.replayRates(), "requests/s");
        row("4", "replay of " + count(requests) + " requests, wall time", figures.seconds(), "s");
        row("4", "replay: CPU time of this JVM per 1,000,000 requests (every thread: metering, the input's "
                + "read-ahead, GC, JIT)", figures.cpuPerMillion(), "s");
        row("4", "replay: CPU time of the metering thread per 1,000,000 requests", figures.threadCpuPerMillion(), "s");
        row("4", "replay: records written per request, every output file (the dedup floor: 1)",
                figures.outputsPerRequest(), "records");
        row("4", "pass-through processor on the same driver", figures.passThroughRates(), "records/s");
        row("4", "dedup floor on the same driver (one get and one put by request id, one output)", figures.floorRates(),
                "records/s");
        double share = figures.replayRates().median() / figures.passThroughRates().median();
        ratio("4", "replay / pass-through driver", share);
        ratio("4", "replay / pass-through driver, by CPU time", figures.passCpuShare().median());
        ratio("4", "replay / dedup floor on the same driver",
                figures.replayRates().median() / figures.floorRates().median());
        ratio("4", "replay / dedup floor on the same driver, by CPU time", figures.floorCpuShare().median());
        ratio("4", "dedup floor / pass-through driver",
                figures.floorRates().median() / figures.passThroughRates().median());
        double fullSeconds = 1_000_000 / figures.replayRates().median();
        target("replay: 1,000,000 requests in <= 12 s", fullSeconds <= 12,
                String.format(Locale.ROOT, "%.1f s%s", fullSeconds, requests == 1_000_000 ? "" : " (extrapolated)"));
        target("replay >= 50 % of the pass-through driver", share >= 0.50, percent(share));
    }

    /** A scaling level: accounts, and the requests spread evenly over them. */
    record Level(int accounts, int requests) {
        String name() {
            return "pipeline at " + count(accounts) + " accounts (" + count(requests) + " requests, evenly spread)";
        }
    }

    /**
     * The pipeline's throughput and memory growth at each level, and issue 14's scaling target. Its ratio varies
     * one thing, the accounts: the most accounts with the request count of the fewest, over the fewest. When the
     * level with the most accounts also ran with more requests (one per account), its ratio is shown too, without a
     * target: accounts and remembered ids vary together there.
     *
     * @param runs every level's runs, the level with the most accounts at the fewest accounts' request count among them
     */
    void scaling(Map<Level, List<StreamsRuns.PipelineRun>> runs) {
        runs.forEach((level, measured) -> {
            row("5", level.name(), stat(measured, StreamsRuns.PipelineRun::perSecond), "requests/s");
            row("5", level.name() + ": heap after GC, growth over the run", stat(measured, run -> run.heapBytes() / MIB),
                    "MiB");
            row("5", level.name() + ": RSS of the bench JVM, growth over the run",
                    stat(measured, run -> run.rssBytes() / MIB), "MiB");
            row("5", level.name() + ": CPU of this JVM per request", stat(measured,
                    StreamsRuns.PipelineRun::cpuMicrosPerRecord), "µs");
            scalingWritten(level, measured.get(measured.size() - 1).written());
        });
        Level fewest = runs.keySet().stream().min(Comparator.comparingInt(Level::accounts)).orElseThrow();
        int most = runs.keySet().stream().mapToInt(Level::accounts).max().orElseThrow();
        Level alike = new Level(most, fewest.requests());
        double share = median(runs.get(alike)) / median(runs.get(fewest));
        String each = count(fewest.requests()) + " requests each";
        ratio("5", "at " + count(most) + " / at " + count(fewest.accounts()) + " accounts, " + each
                + " (the target's ratio: only the accounts vary)", share);
        runs.keySet().stream().filter(level -> level.accounts() == most && level.requests() > fewest.requests())
                .forEach(level -> ratio("5", "at " + count(most) + " accounts and " + count(level.requests())
                        + " requests / at " + count(fewest.accounts()) + " accounts and " + count(fewest.requests())
                        + " requests (accounts and remembered ids vary together)",
                        median(runs.get(level)) / median(runs.get(fewest))));
        target("throughput at " + count(most) + " accounts >= 80 % of that at " + count(fewest.accounts()) + ", "
                + each, share >= 0.80, percent(share));
    }

    /**
     * A lever's before/after pair at a scaling level, from the same run: the level's pipeline without it against the
     * level's own runs ({@link #scaling}), by throughput and by CPU per request.
     *
     * @param with    the level's runs, the lever on
     * @param without the level's runs with the lever turned off, over the same requests
     */
    void scalingLever(String name, Level level, List<StreamsRuns.PipelineRun> with,
                      List<StreamsRuns.PipelineRun> without) {
        String lever = "lever \"" + name + "\" at " + count(level.accounts()) + " accounts (" + count(level.requests())
                + " requests)";
        Stats withCpu = stat(with, StreamsRuns.PipelineRun::cpuMicrosPerRecord);
        Stats withoutCpu = stat(without, StreamsRuns.PipelineRun::cpuMicrosPerRecord);
        row("6", lever + ": pipeline without it (before)", stat(without, StreamsRuns.PipelineRun::perSecond),
                "requests/s");
        row("6", lever + ": CPU of this JVM per request without it (before)", withoutCpu, "µs");
        ratio("6", lever + ": pipeline with it / without it", median(with) / median(without));
        ratio("6", lever + ": with it / without it, by CPU per request", withoutCpu.median() / withCpu.median());
    }

    /**
     * What one run of a level wrote per request: every topic with at least 0.05 records a request, and all topics.
     * A new account-month and an account's first spend status are written once each, so the records per request
     * grow with the share of requests that open them.
     */
    private void scalingWritten(Level level, Map<String, Long> written) {
        long total = 0;
        for (Map.Entry<String, Long> topic : written.entrySet()) {
            total += topic.getValue();
            double perRequest = (double) topic.getValue() / level.requests();
            if (perRequest >= 0.05) {
                row("5", level.name() + ": records written per request: "
                        + topic.getKey().replaceFirst("^bench-pipeline-\\d+-", ""), Stats.of(perRequest), "records");
            }
        }
        row("5", level.name() + ": records written per request, all topics (with transaction markers)",
                Stats.of((double) total / level.requests()), "records");
    }

    private static double median(List<StreamsRuns.PipelineRun> runs) {
        return stat(runs, StreamsRuns.PipelineRun::perSecond).median();
    }

    /**
     * A run during which the host paused ({@link HostPauses}).
     *
     * @param run       what the run's progress line said
     * @param gapMillis how far the wall clock ran ahead of the monotonic clock over it (negative: behind)
     */
    record HostPause(String run, long gapMillis) {
    }

    /** @param hostPauses the runs during which the host paused, in order (none: an empty list) */
    void finish(Duration took, List<HostPause> hostPauses) {
        this.took = took;
        this.hostPauses = List.copyOf(hostPauses);
        this.loadAtEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    public String table() {
        StringBuilder table = new StringBuilder();
        table.append("### Run of ").append(started.truncatedTo(ChronoUnit.SECONDS)).append('\n');
        table.append('\n').append(machine()).append("; git ").append(gitRevision()).append("; `")
                .append(options.command()).append("`, ").append(options.repeat()).append(" run(s) of each, ")
                .append(options.settings().isEmpty() ? "" : "settings " + options.settings() + ", ")
                .append(options.trace() == null ? "built-in token distributions" : "tokens from " + options.trace().getFileName())
                .append(", ").append(options.partitions()).append(" partitions, took ")
                .append(took.toMinutes()).append(" min ").append(took.toSecondsPart()).append(" s; load average ")
                .append(String.format(Locale.ROOT, "%.1f at the start, %.1f at the end", loadAtStart, loadAtEnd))
                .append(hostPauses.isEmpty() ? "; the host paused during no run"
                        : "; the host paused during " + count(hostPauses.size()) + " run(s), listed below the targets")
                .append("\n\n");
        table.append("| # | measurement | median | spread (min..max) | unit |\n|---|---|---:|---|---|\n");
        // Measured in the order that needs the fewest broker restarts, shown in the order.
        rows.stream().sorted(Comparator.comparing(row -> row.substring(0, row.indexOf(" |", 1))))
                .forEach(row -> table.append(row).append('\n'));
        table.append("\n| target | result | met |\n|---|---|---|\n");
        targets.forEach(target -> table.append(target).append('\n'));
        if (!hostPauses.isEmpty()) {
            table.append("\nRuns during which the host paused (the wall clock ran ahead of the monotonic clock by "
                    + HostPauses.THRESHOLD.toMillis() + " ms or more; latencies, taken by the wall clock, include the "
                    + "pause whole):\n\n");
            hostPauses.forEach(pause -> table.append(String.format(Locale.ROOT, "- %.1f s %s: %s%n",
                    Math.abs(pause.gapMillis()) / 1000.0, pause.gapMillis() > 0 ? "paused" : "(wall clock stepped back)",
                    pause.run())));
        }
        return table.toString();
    }

    void appendTo(Path doc) throws IOException {
        if (doc.getParent() != null) {
            Files.createDirectories(doc.getParent());
        }
        Files.writeString(doc, "\n" + table(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private void row(String item, String what, Stats stats, String unit) {
        rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", item, what, number(stats.median()),
                stats.values().size() == 1 ? "1 run" : String.format(Locale.ROOT, "±%.0f %% (%s..%s)",
                        stats.spreadPercent() / 2, number(stats.min()), number(stats.max())), unit));
    }

    private void ratio(String item, String what, double value) {
        rows.add(String.format(Locale.ROOT, "| %s | **%s** | **%s** | | ratio of medians |", item, what, percent(value)));
    }

    private void target(String what, boolean met, String result) {
        targets.add("| " + what + " | " + result + " | " + (met ? "yes" : "**no**") + " |");
    }

    /** A target the run produced no figure for: neither met nor missed. */
    private void notEstablished(String what, String why) {
        targets.add("| " + what + " | " + why + " | not established |");
    }

    /** A figure of each run; "not measured" when no run has it. */
    private static <R> Stats stat(List<R> results, ToDoubleFunction<R> figure) {
        List<Double> values = results.stream().map(figure::applyAsDouble).filter(v -> !Double.isNaN(v)).toList();
        return new Stats(values.isEmpty() ? List.of(Double.NaN) : values);
    }

    private static Stats scaled(Stats stats, double factor) {
        return new Stats(stats.values().stream().map(v -> v * factor).toList());
    }

    private static String number(double value) {
        if (Double.isNaN(value)) {
            return "not measured";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String percent(double share) {
        if (!Double.isFinite(share)) {
            return "not measured";
        }
        return String.format(Locale.ROOT, "%.0f %%", share * 100);
    }

    private static String machine() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException unknown) {
            host = "unknown host";
        }
        return String.format(Locale.ROOT, "%s, %d cores, %s %s, Java %s, max heap %d MiB", host,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() >> 20);
    }

    /** The revision the bench ran from (with "+changes" if the work tree differs), or "unknown" outside git. */
    private static String gitRevision() {
        String revision = git("rev-parse", "--short", "HEAD");
        if (revision == null) {
            return "unknown";
        }
        String changes = git("status", "--porcelain", "--untracked-files=no");
        return changes == null || changes.isEmpty() ? revision : revision + "+changes";
    }

    private static String git(String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (InputStream output = process.getInputStream()) {
                String text = new String(output.readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    return null;
                }
                return text;
            }
        } catch (IOException | InterruptedException unavailable) {
            return null;
        }
    }
}
