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
import java.util.List;
import java.util.Map;

/**
 * {@code bin/flux-billing replay}: runs the billing rules over JSON-lines files ({@link InputFiles}) in file order,
 * each record produced at {@code now}, and writes every output topic as JSON lines. A line that is not a valid
 * record goes in as its raw bytes and comes out on rejected.jsonl as MALFORMED, exactly as it would live. Same
 * input, same output.
 */
public final class Replay {
    /** Far enough ahead to close and purge every month, near enough not to overflow the clock arithmetic. */
    private static final Duration CLOSE_ALL = Duration.ofDays(365L * 1000);

    private final BillingConfig config;
    private final Instant now;

    /** Counts per output file, in the order written. */
    public record Result(long inputs, Map<String, Long> outputs) {
    }

    public Replay(BillingConfig config, Instant now) {
        // State lives only as long as the run: memory, no changelogs (unsafe for run, hence said so).
        this.config = config.with(BillingConfig.STATE_STORES, "in_memory").with(BillingConfig.STATE_CHANGELOGS, "false")
                .with(BillingConfig.UNSAFE_ALLOW, "true");
        this.now = now;
    }

    public Result run(Path in, Path out, boolean closeOpenMonths) throws IOException {
        Path stateDir = Files.createTempDirectory("flux-replay-");
        try (JsonSinks sinks = new JsonSinks(out)) {
            ReplayEngine engine = new ReplayEngine(config, now, sinks, stateDir);
            long count = new InputFiles(new Serdes(config.wireFormat())).send(in, engine::accept);
            if (closeOpenMonths) {
                engine.closeOpenMonths(CLOSE_ALL);
            }
            return new Result(count, sinks.counts());
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
