package com.fluxrouter.billing.replay;

import com.fluxrouter.billing.config.BillingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayTest {
    private static final Path EXAMPLES = Path.of("examples");
    private static final Instant NOW = Instant.parse("2026-11-27T00:00:00Z");
    private static final List<String> FILES =
            List.of("priced.jsonl", "overage.jsonl", "alerts.jsonl", "invoice-lines.jsonl", "rejected.jsonl");

    @TempDir
    Path tmp;

    @Test
    void sameInputGivesByteIdenticalOutput() throws IOException {
        Path first = tmp.resolve("first");
        Path second = tmp.resolve("second");
        new Replay(BillingConfig.defaults(), NOW).run(EXAMPLES, first, true);
        new Replay(BillingConfig.defaults(), NOW).run(EXAMPLES, second, true);
        for (String file : FILES) {
            assertThat(Files.readAllBytes(second.resolve(file))).as(file).isEqualTo(Files.readAllBytes(first.resolve(file)));
        }
    }

    @Test
    void examplesAreBilledAsTheirReadmeSays() throws IOException {
        Path out = tmp.resolve("out");
        Replay.Result result = new Replay(BillingConfig.defaults(), NOW).run(EXAMPLES, out, true);

        assertThat(result.outputs()).containsEntry("priced.jsonl", 11L).containsEntry("rejected.jsonl", 3L);
        assertThat(lines(out, "rejected.jsonl")).anyMatch(l -> l.contains("\"reason\":\"MALFORMED\""))
                .anyMatch(l -> l.contains("\"reason\":\"UNKNOWN_MODEL\""))
                .anyMatch(l -> l.contains("\"reason\":\"INVALID_TOKENS\""));
        assertThat(lines(out, "priced.jsonl")).filteredOn(l -> l.contains("\"request_id\":\"r-0005\"")).hasSize(1);
        assertThat(lines(out, "priced.jsonl")).anyMatch(l -> l.contains("\"request_id\":\"r-0001\"")
                && l.contains("\"billing_month\":\"2026-09\""));
        assertThat(lines(out, "invoice-lines.jsonl"))
                .anyMatch(l -> l.contains("\"account_id\":\"payg\"") && l.contains("\"line_type\":\"TOTAL\"")
                        && l.contains("\"supplemental\":true") && l.contains("\"amount_due_usd\":\"0.33\""))
                .anyMatch(l -> l.contains("\"account_id\":\"hobbyist\"") && l.contains("\"CEILING_ADJUSTMENT\"")
                        && l.contains("\"amount_usd\":\"-0.007\""))
                .anyMatch(l -> l.contains("\"account_id\":\"acme\"") && l.contains("\"billing_month\":\"2026-11\"")
                        && l.contains("\"line_type\":\"TOTAL\"") && l.contains("\"amount_due_usd\":\"10.1\""));
    }

    @Test
    void acmesOctoberReaches95PercentOfItsCreditSoOnlyTheFirstTwoCreditAlertsFire() throws IOException {
        // r-0002: 4M tokens on Deep Thought at $4 per 1M = $16; r-0003: 1.5M on Daily Driver at $2 = $3; $19 of $20.
        Path out = tmp.resolve("out");
        new Replay(BillingConfig.defaults(), NOW).run(EXAMPLES, out, true);

        assertThat(lines(out, "alerts.jsonl")).filteredOn(l -> l.contains("\"account_id\":\"acme\"")
                        && l.contains("\"billing_month\":\"2026-10\""))
                .extracting(l -> l.replaceAll(".*\"alert\":\"([A-Z_0-9]+)\".*", "$1"))
                .containsExactly("CREDIT_50", "CREDIT_80");
        assertThat(lines(out, "invoice-lines.jsonl")).anyMatch(l -> l.contains("\"account_id\":\"acme\"")
                && l.contains("\"billing_month\":\"2026-10\"") && l.contains("\"line_type\":\"INCLUDED_CREDIT\"")
                && l.contains("\"amount_usd\":\"-19\""));
        assertThat(lines(out, "overage.jsonl")).noneMatch(l -> l.contains("\"account_id\":\"acme\"")
                && l.contains("\"billing_month\":\"2026-10\""));
    }

    @Test
    void defaultNowIsTheLatestCompletedAtSoTheOutputDoesNotDependOnTheDay() throws IOException {
        assertThat(InputFiles.latestCompletedAt(EXAMPLES)).contains(Instant.parse("2026-11-03T10:00:00Z"));
        assertThat(InputFiles.latestCompletedAt(tmp)).isEmpty();
    }

    @Test
    void noCloseLeavesTheLastMonthOpen() throws IOException {
        Path out = tmp.resolve("open");
        new Replay(BillingConfig.defaults(), NOW).run(EXAMPLES, out, false);
        assertThat(lines(out, "invoice-lines.jsonl")).noneMatch(l -> l.contains("\"billing_month\":\"2026-11\""))
                .anyMatch(l -> l.contains("\"billing_month\":\"2026-10\""));
    }

    @Test
    void catalogFilesReplaceThePublishedPriceList() throws IOException {
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        Files.writeString(in.resolve("models.jsonl"), "{\"model_id\":\"m1\",\"lane\":\"EXPRESS\"}\n");
        Files.writeString(in.resolve("rates.jsonl"), "{\"lane\":\"EXPRESS\",\"input_usd_per_million\":\"0.5\","
                + "\"output_usd_per_million\":\"1.5\",\"effective_from\":\"2026-01-01T00:00:00Z\"}\n"
                + "{\"lane\":\"EXPRESS\",\"input_usd_per_million\":\"0.1234\",\"output_usd_per_million\":\"1\","
                + "\"effective_from\":\"2026-02-01T00:00:00Z\"}\n");
        Files.writeString(in.resolve("requests.jsonl"), "{\"request_id\":\"a\",\"account_id\":\"x\",\"requested_model\":"
                + "\"flux-auto\",\"served_model\":\"m1\",\"input_tokens\":1000000,\"output_tokens\":1000000,"
                + "\"completed_at\":\"2026-03-01T00:00:00Z\"}\n");
        Path out = tmp.resolve("custom");
        new Replay(BillingConfig.defaults(), NOW).run(in, out, true);

        assertThat(lines(out, "priced.jsonl")).singleElement().asString().contains("\"cost_usd\":\"2\"");
        assertThat(lines(out, "rejected.jsonl")).singleElement().asString().contains("\"reason\":\"INVALID_RATE\"");
    }

    private static List<String> lines(Path dir, String file) throws IOException {
        return Files.readAllLines(dir.resolve(file));
    }
}
