package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.bench.Bench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, version = FluxBilling.VERSION,
        header = "Measures throughput, latency and state size on a local broker.",
        description = {
        "Measures, on a local broker in one run: the broker's ceiling (producer, copy loop), a pass-through Streams",
        "application, the dedup floor (one changelogged store of request ids) and the billing pipeline (all",
        "exactly_once_v2), each lever before and after, latency at half the sustained rate and at a fixed rate (with",
        "the CPU used), state size and memory, replay, and throughput as accounts grow. Prints one table and appends",
        "it to docs/performance.md."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A smoke run of a few minutes: one run of each, small sizes.")
    boolean quick;

    @Option(names = "--repeat", description = "Runs of each measurement (default 3; 1 with --quick).")
    Integer repeat;

    @Option(names = "--records",
            description = "Requests per throughput run of the pass-through, the dedup floor and the pipeline (default 200,000).")
    Integer records;

    @Option(names = "--ceiling-records", description = "Records per broker-ceiling run (default 500,000).")
    Integer ceilingRecords;

    @Option(names = "--latency", description = "How long each latency run offers load (ISO-8601, default PT20S; PT8S with --quick).")
    Duration latency;

    @Option(names = "--latency-rate",
            description = "Requests per second of the fixed-rate latency runs, beside those at half the sustained rate (default 5,000).")
    Integer latencyRate;

    @Option(names = "--replay-requests", description = "Requests replayed from files (default 1,000,000).")
    Integer replayRequests;

    @Option(names = "--scale-requests", description = "Requests per scaling run (default 200,000).")
    Integer scaleRequests;

    @Option(names = "--accounts", split = ",", description = "Account counts of the scaling runs (default 1000,100000,1000000).")
    List<Integer> accounts;

    @Option(names = "--partitions", description = "Partitions of the request and output topics (default 4).")
    Integer partitions;

    @Option(names = "--seed", description = "Seed of the traffic (default 1).")
    Long seed;

    @Option(names = "--trace", description = "Token counts from an Azure LLM inference trace CSV instead of the built-in distributions.")
    Path trace;

    @Option(names = "--set", description = "A pipeline setting over the defaults, e.g. --set commit.interval.ms=200 (repeatable).")
    Map<String, String> settings;

    @Option(names = "--doc", description = "Document the table is appended to (default docs/performance.md).")
    Path doc;

    @Option(names = "--no-append", description = "Print the table only.")
    boolean noAppend;

    @Option(names = "--quiet-limit",
            description = "Longest wait for a quiet JVM before each timed Streams run (ISO-8601, default PT10S; PT0S: no wait).")
    Duration quietLimit;

    @Option(names = "--work-dir", description = "Where the broker log, state and replay files go while it runs (default: a temp dir; deleted after).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        Bench.Options base = quick ? Bench.Options.quick() : Bench.Options.defaults();
        Bench.Options options = new Bench.Options(
                or(repeat, base.repeat()), or(ceilingRecords, base.ceilingRecords()), or(records, base.streamsRecords()),
                or(latency, base.latency()), base.warmup(), or(latencyRate, base.latencyRate()),
                or(replayRequests, base.replayRequests()),
                or(scaleRequests, base.scaleRequests()), or(accounts, base.scaleAccounts()),
                or(partitions, base.partitions()), or(seed, base.seed()), trace,
                noAppend ? null : or(doc, base.doc()), workDir, commandLine(), or(settings, Map.of()),
                or(quietLimit, base.quietLimit()), base.streamsWarmUp());
        new Bench(options, System.out).run();
        return 0;
    }

    private String commandLine() {
        return "bench" + (quick ? " --quick" : "") + (repeat != null ? " --repeat " + repeat : "")
                + (records != null ? " --records " + records : "")
                + (ceilingRecords != null ? " --ceiling-records " + ceilingRecords : "")
                + (latency != null ? " --latency " + latency : "")
                + (latencyRate != null ? " --latency-rate " + latencyRate : "")
                + (replayRequests != null ? " --replay-requests " + replayRequests : "")
                + (scaleRequests != null ? " --scale-requests " + scaleRequests : "")
                + (accounts != null ? " --accounts " + String.join(",", accounts.stream().map(String::valueOf).toList()) : "")
                + (partitions != null ? " --partitions " + partitions : "")
                + (seed != null ? " --seed " + seed : "")
                + (trace != null ? " --trace " + trace.getFileName() : "")
                + (quietLimit != null ? " --quiet-limit " + quietLimit : "")
                + (settings != null ? settings.entrySet().stream().map(e -> " --set " + e.getKey() + "=" + e.getValue())
                        .reduce("", String::concat) : "");
    }

    private static <T> T or(T given, T fallback) {
        return given != null ? given : fallback;
    }
}
