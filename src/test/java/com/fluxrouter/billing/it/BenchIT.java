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
                "broker: copy loop: CPU of this JVM (broker, consumer, producer) per record",
                "Streams pass-through, exactly_once_v2",
                "dedup floor, exactly_once_v2",
                "dedup floor: CPU of this JVM (broker, producer, app) per record",
                "pipeline sustained, exactly_once_v2",
                "**pipeline / dedup floor**",
                "**pipeline / pass-through**",
                "**pipeline / copy loop**",
                "**pipeline / dedup floor, by CPU per record**",
                "**pipeline / pass-through, by CPU per record**",
                "**pipeline / copy loop, by CPU per record**",
                "records written per request: flux.requests.priced",
                "lever \"rate versions decoded once per catalog change\": pipeline without it (before)",
                "lever \"rate versions decoded once per catalog change\": CPU of this JVM per request without it",
                "**lever \"rate versions decoded once per catalog change\": pipeline with it / without it**",
                "**lever \"rate versions decoded once per catalog change\": with it / without it, by CPU per request**",
                "produce -> OverageUpdate p99",
                "produce -> SpendAlert p99",
                "RocksDB account-months per 1,000 account-months",
                "RocksDB request ids per 1M ids",
                "replay of 2,000 requests from files",
                "pass-through processor on the same driver",
                "pipeline at 100 accounts",
                "pipeline at 1,000 accounts",
                "| pipeline >= 60 % of the dedup floor |",
                "| pipeline >= 25 % of the pass-through |",
                "| p99 produce-to-alert <= 500 ms at half the sustained rate |",
                "| replay: 1,000,000 requests in <= 30 s |",
                "| throughput at 1,000 accounts >= 80 % of that at 100 |");
        // The floor writes one output and one changelog record per input, plus a few transaction markers.
        assertThat(median(document, "dedup floor: records written per input")).isBetween(2.0, 2.5);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("| # | measurement | median |",
                "warm-up (discarded)", "replay run 1 (replay first)");
        assertThat(dir.resolve("work")).doesNotExist();
    }

    /** The median column of the table row whose measurement starts with {@code measurement}. */
    private static double median(String document, String measurement) {
        String row = document.lines().filter(line -> line.startsWith("| ") && line.split(" \\| ")[1].startsWith(measurement))
                .findFirst().orElseThrow(() -> new AssertionError("no row " + measurement));
        return Double.parseDouble(row.split(" \\| ")[2].replace(",", ""));
    }
}
