package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.replay.TopicExport;
import com.fluxrouter.billing.serde.Serdes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true, version = FluxBilling.VERSION,
        header = "Writes the input topics as replay input files, with produced_at, partition and offset.",
        description = {
        "Writes the input topics (catalog, plans, requests) as replay's input files in --out: models.jsonl,",
        "rates.jsonl, plans.jsonl and requests.jsonl, each line with produced_at (the record timestamp), partition",
        "and offset, read committed. Replay them with `replay --in DIR --partitions <partitions of",
        "flux.requests.routed>` to bill exactly as the live pipeline did. --from/--to bound the requests by record",
        "timestamp; catalog and plans are always exported whole."})
final class ExportCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--out", required = true, description = "Output directory (created if absent; files replaced).")
    Path out;

    @Option(names = "--from", description = "Leave out requests with a record timestamp before this (ISO-8601).")
    Instant from;

    @Option(names = "--to", description = "Leave out requests with a record timestamp at or after this (ISO-8601).")
    Instant to;

    @Override
    public Integer call() throws Exception {
        BillingConfig config = BillingConfig.of(cluster.settings());
        TopicExport.Result result = new TopicExport(new HashMap<>(cluster.clientSettings()), Serdes.of(config),
                new Serdes(BillingConfig.defaults().wireFormat())).run(out, from, to);
        result.lines().forEach((file, count) -> System.out.printf("  %-16s %,d lines%n", file, count));
        if (result.raw() > 0) {
            System.out.printf("  %,d records that are no record of their topic's schema were written as their bytes%n",
                    result.raw());
        }
        return 0;
    }
}
