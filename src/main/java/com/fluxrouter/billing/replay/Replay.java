package com.fluxrouter.billing.replay;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.serde.Serdes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/flux-billing replay}: runs the billing rules over JSON-lines files ({@link InputFiles}) in file order,
 * each record produced at its {@code produced_at} capped at {@code now} (or at {@code now}), on one billing clock
 * per partition, and writes every output topic as JSON lines. A line that is not a valid
 * record goes in as its raw bytes and comes out on rejected.jsonl as MALFORMED, exactly as it would live. Same
 * input, same output.
 */
public final class Replay {
    /** Far enough ahead to close and purge every month, near enough not to overflow the clock arithmetic. */
    private static final Duration CLOSE_ALL = Duration.ofDays(365L * 1000);

    private final BillingConfig config;
    private final Instant now;
    private final int partitions;

    /**
     * What a replay read and wrote.
     *
     * @param inputs        every input record, catalog, plans and requests together
     * @param inputsByTopic input records per input topic, in the order sent (catalog topics first, requests last)
     * @param outputs       records per output file, in the order written
     */
    public record Result(long inputs, Map<String, Long> inputsByTopic, Map<String, Long> outputs) {
    }

    /** One partition: one billing clock for every account. */
    public Replay(BillingConfig config, Instant now) {
        this(config, now, 1);
    }

    /**
     * @param now        replay's wall clock (rule 4): record timestamps are their produced_at capped at it, or it
     * @param partitions partitions of the request topic, each with its own billing clock as live (rule 10)
     * @throws IllegalArgumentException when partitions is below 1
     */
    public Replay(BillingConfig config, Instant now, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
        }
        // State lives only as long as the run: memory, no changelogs (unsafe for run, hence said so).
        this.config = config.with(BillingConfig.STATE_STORES, "in_memory").with(BillingConfig.STATE_CHANGELOGS, "false")
                .with(BillingConfig.UNSAFE_ALLOW, "true");
        this.now = now;
        this.partitions = partitions;
    }

    public Result run(Path in, Path out, boolean closeOpenMonths) throws IOException {
        Path stateDir = Files.createTempDirectory("flux-replay-");
        try (JsonSinks sinks = new JsonSinks(out)) {
            ReplayEngine engine = new ReplayEngine(config, now, partitions, sinks, stateDir);
            Map<String, Long> byTopic = new LinkedHashMap<>();
            long count = new InputFiles(new Serdes(config.wireFormat())).sendInputs(in, input -> {
                byTopic.merge(input.topic(), 1L, Long::sum);
                engine.accept(input);
            });
            if (closeOpenMonths) {
                engine.closeOpenMonths(CLOSE_ALL);
            }
            return new Result(count, byTopic, sinks.counts());
        } finally {
            deleteRecursively(stateDir);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.toList());
            Collections.reverse(all);
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        }
    }
}
