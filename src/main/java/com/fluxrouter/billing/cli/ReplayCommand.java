package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.replay.Replay;
import com.fluxrouter.billing.topology.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

@Command(name = "replay", mixinStandardHelpOptions = true, version = FluxBilling.VERSION,
        header = "Runs the billing rules over JSON-lines files and writes every output as JSON lines.",
        description = {
        "Runs the billing topology over JSON-lines files: models.jsonl, rates.jsonl, plans.jsonl (optional) and",
        "requests.jsonl from --in; writes priced, overage, alerts, invoice-lines, rejected and spend-status .jsonl",
        "to --out.",
        "Without models.jsonl (rates.jsonl) the published models (rates) apply; a file that is given is the whole",
        "topic and replaces the published records of its kind. A line may carry produced_at, partition and offset",
        "(as export writes them)."})
final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--in", required = true, description = "Input directory.")
    Path in;

    @Option(names = "--out", required = true, description = "Output directory (created if absent).")
    Path out;

    @Option(names = "--grace", defaultValue = "PT24H", description = "Grace after a month's end before it closes (default ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--dedup-window", defaultValue = "P35D", description = "How long request ids are remembered (default ${DEFAULT-VALUE}).")
    Duration dedupWindow;

    @Option(names = "--no-close", description = "Leave months open and pending supplemental sets pending at the end of "
            + "the input (as a still-busy live partition has them) instead of closing and emitting them.")
    boolean noClose;

    @Option(names = "--now", description = "Replay's wall clock (ISO-8601; default: the wall clock when the replay "
            + "starts). A record counts as produced at its produced_at, or at --now when it has none or a later one; "
            + "requests completed more than 5 minutes after that are FUTURE_TIMESTAMP.")
    Instant now;

    @Option(names = "--partitions", defaultValue = "1", description = "Partitions of flux.requests.routed, each with "
            + "its own billing clock as live; accounts placed as Kafka's default partitioner places their keys "
            + "(default ${DEFAULT-VALUE}).")
    int partitions;

    @Spec
    CommandSpec spec;

    /**
     * Replays {@code --in} into {@code --out}; prints what was read (catalog, plans and requests apart) and written.
     *
     * @return 0 when the replay ran
     * @throws ParameterException when {@code --in} is not a directory or holds no requests.jsonl (picocli exits 2)
     */
    @Override
    public Integer call() throws Exception {
        requireInput();
        BillingConfig config = BillingConfig.defaults()
                .with(BillingConfig.GRACE, grace.toString())
                .with(BillingConfig.DEDUP_WINDOW, dedupWindow.toString());
        long started = System.nanoTime();
        // The wall clock, as live: a far-future request in the input is FUTURE_TIMESTAMP, not the billing clock.
        Instant wallClock = now != null ? now : Instant.now();
        Replay.Result result = new Replay(config, wallClock, partitions).run(in, out, !noClose);
        long millis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        System.out.printf("replayed %,d input records in %.1f s (%,d records/s)%n", result.inputs(), millis / 1000.0,
                result.inputs() * 1000 / millis);
        System.out.printf("  read: %,d models%s, %,d rate versions%s, %,d plan versions, %,d requests%n",
                result.inputsByTopic().getOrDefault(Topics.MODELS, 0L), publishedUnless("models.jsonl"),
                result.inputsByTopic().getOrDefault(Topics.RATES, 0L), publishedUnless("rates.jsonl"),
                result.inputsByTopic().getOrDefault(Topics.PLANS, 0L),
                result.inputsByTopic().getOrDefault(Topics.ROUTED, 0L));
        System.out.println("  wrote:");
        result.outputs().forEach((file, count) -> System.out.printf("    %-20s %,d%n", file, count));
        return 0;
    }

    /** Without its input a replay would "succeed" with empty outputs: a typo in --in must not look like no traffic. */
    private void requireInput() {
        if (partitions < 1) {
            throw new ParameterException(spec.commandLine(), "--partitions " + partitions + ": at least 1");
        }
        if (!Files.isDirectory(in)) {
            throw new ParameterException(spec.commandLine(), "--in " + in + ": no such directory (it must hold "
                    + "requests.jsonl, and optionally models.jsonl, rates.jsonl and plans.jsonl)");
        }
        if (!Files.isRegularFile(in.resolve("requests.jsonl"))) {
            throw new ParameterException(spec.commandLine(), "--in " + in + " has no requests.jsonl: nothing to replay"
                    + " (see examples/README.md for the files replay reads)");
        }
    }

    private String publishedUnless(String file) {
        return Files.exists(in.resolve(file)) ? "" : " (published price list: no " + file + ")";
    }
}
