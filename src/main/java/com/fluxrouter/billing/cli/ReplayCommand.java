package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.replay.InputFiles;
import com.fluxrouter.billing.replay.Replay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

@Command(name = "replay", description = {
        "Runs the billing topology over JSON-lines files: models.jsonl, rates.jsonl, plans.jsonl (optional) and",
        "requests.jsonl from --in; writes priced, overage, alerts, invoice-lines and rejected .jsonl to --out."})
final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--in", required = true, description = "Input directory.")
    Path in;

    @Option(names = "--out", required = true, description = "Output directory (created if absent).")
    Path out;

    @Option(names = "--grace", defaultValue = "PT24H", description = "Grace after a month's end before it closes (default ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--dedup-window", defaultValue = "P35D", description = "How long request ids are remembered (default ${DEFAULT-VALUE}).")
    Duration dedupWindow;

    @Option(names = "--no-close", description = "Leave months open at the end of the input instead of closing them.")
    boolean noClose;

    @Option(names = "--now", description = "When the records count as produced (ISO-8601; default: the latest "
            + "completed_at in requests.jsonl). Requests completed more than 5 minutes after it are FUTURE_TIMESTAMP.")
    Instant now;

    @Override
    public Integer call() throws Exception {
        BillingConfig config = BillingConfig.defaults()
                .with(BillingConfig.GRACE, grace.toString())
                .with(BillingConfig.DEDUP_WINDOW, dedupWindow.toString());
        long started = System.nanoTime();
        Instant producedAt = now != null ? now : InputFiles.latestCompletedAt(in).orElse(Instant.EPOCH);
        Replay.Result result = new Replay(config, producedAt).run(in, out, !noClose);
        long millis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        System.out.printf("replayed %,d input records in %.1f s (%,d records/s)%n", result.inputs(), millis / 1000.0,
                result.inputs() * 1000 / millis);
        result.outputs().forEach((file, count) -> System.out.printf("  %-20s %,d%n", file, count));
        return 0;
    }
}
