package com.fluxrouter.billing.it;

import com.fluxrouter.billing.bench.Bench;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench} end to end at tiny sizes, on its own local broker: every measurement runs, the table holds each
 * row and target, and the run is appended to the document. Nothing is asserted about speed.
 */
class BenchIT {
    @TempDir
    Path dir;

    @Test
    void measuresEveryFigureAndAppendsTheTableToTheDocument() throws Exception {
        Path doc = dir.resolve("performance.md");
        Files.writeString(doc, "# Performance\n");
        Bench.Options options = new Bench.Options(1, 5_000, 3_000, Duration.ofSeconds(4), Duration.ofSeconds(1), 2_000,
                2_000, List.of(100, 1_000), 2, 7, null, doc, dir.resolve("work"), "bench (BenchIT)", Map.of());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        new Bench(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

        String document = Files.readString(doc);
        assertThat(document).startsWith("# Performance\n").contains("### Run of ", "`bench (BenchIT)`");
        assertThat(document).contains(
                "broker: plain producer, acks=all",
                "broker: consume-and-produce copy loop, acks=all",
                "Streams pass-through, exactly_once_v2",
                "pipeline sustained, exactly_once_v2",
                "**pipeline / pass-through**",
                "**pipeline / copy loop**",
                "records written per request: flux.requests.priced",
                "produce -> OverageUpdate p99",
                "produce -> SpendAlert p99",
                "GET /accounts/{account}/status p99",
                "RocksDB account-months per 1,000 account-months",
                "RocksDB request ids per 1M ids",
                "replay of 2,000 requests from files",
                "pass-through processor on the same driver",
                "pipeline at 100 accounts",
                "pipeline at 1,000 accounts",
                "| pipeline >= 60 % of pass-through |",
                "| p99 produce-to-alert <= 500 ms at half the sustained rate |",
                "| replay: 1,000,000 requests in <= 30 s |",
                "| throughput at 1,000 accounts >= 80 % of that at 100 |");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("| # | measurement | median |",
                "warm-up (discarded)", "replay run 1 (replay first)");
        assertThat(dir.resolve("work")).doesNotExist();
    }
}
