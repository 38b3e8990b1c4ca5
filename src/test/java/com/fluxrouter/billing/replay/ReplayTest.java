package com.fluxrouter.billing.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fluxrouter.billing.config.BillingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayTest {
    private static final Path EXAMPLES = Path.of("examples");
    private static final Instant NOW = Instant.parse("2026-11-27T00:00:00Z");
    private static final List<String> FILES =
            List.of("priced.jsonl", "overage.jsonl", "alerts.jsonl", "invoice-lines.jsonl", "rejected.jsonl",
                    "spend-status.jsonl");

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

    private static String request(String id, String account, String completedAt, String extra) {
        return "{\"request_id\":\"" + id + "\",\"account_id\":\"" + account + "\",\"requested_model\":\"flux-auto\","
                + "\"served_model\":\"flux-express-small\",\"input_tokens\":1000000,\"output_tokens\":0,"
                + "\"completed_at\":\"" + completedAt + "\"" + extra + "}";
    }

    @Test
    void producedAtIsTheRecordTimestampCappedAtNow() throws IOException {
        Path in = tmp.resolve("produced");
        Files.createDirectories(in);
        Files.write(in.resolve("requests.jsonl"), List.of(
                // produced 6 minutes before it completed: in the future by the topic's own clock
                request("early", "acct", "2026-11-20T10:06:00Z", ",\"produced_at\":\"2026-11-20T10:00:00Z\""),
                // produced 5 minutes before: the tolerance, priced
                request("edge", "acct", "2026-11-20T10:05:00Z", ",\"produced_at\":\"2026-11-20T10:00:00Z\""),
                // a producer clock of 2099 is capped at --now: completed 4 minutes after --now is still priced...
                request("capped", "acct", "2026-11-27T00:04:00Z", ",\"produced_at\":\"2099-01-01T00:00:00Z\""),
                // ...and 6 minutes after it is in the future, whatever the producer's clock said
                request("future", "acct", "2026-11-27T00:06:00Z", ",\"produced_at\":\"2099-01-01T00:00:00Z\""),
                // no produced_at: produced at --now
                request("plain", "acct", "2026-11-26T00:00:00Z", "")));
        new Replay(BillingConfig.defaults(), NOW).run(in, tmp.resolve("produced-out"), false);

        assertThat(lines(tmp.resolve("produced-out"), "priced.jsonl")).map(ReplayTest::requestId)
                .containsExactly("edge", "capped", "plain");
        List<String> rejected = lines(tmp.resolve("produced-out"), "rejected.jsonl");
        assertThat(rejected).hasSize(2).allMatch(l -> l.contains("\"reason\":\"FUTURE_TIMESTAMP\""));
        assertThat(rejected.get(0)).contains("\"source_timestamp\":\"2026-11-20T10:00:00Z\"");
        assertThat(rejected.get(1)).contains("\"source_timestamp\":\"2026-11-27T00:00:00Z\"");
    }

    @Test
    void planLinesWithoutProducedAtCountAsPublishedBeforeRequestsThatCarryOne() throws IOException {
        Path in = tmp.resolve("plans-unstamped");
        Files.createDirectories(in);
        // $20 credit, $100 ceiling, billed in New York time: the request at 02:00Z on November 1st is October there.
        Files.writeString(in.resolve("plans.jsonl"), "{\"account_id\":\"acct\",\"plan_name\":\"Team\","
                + "\"included_credit_usd\":\"20\",\"spend_ceiling_usd\":\"100\",\"billing_time_zone\":"
                + "\"America/New_York\",\"effective_from\":\"2026-01-01T05:00:00Z\"}\n");
        Files.write(in.resolve("requests.jsonl"), List.of(
                request("stamped", "acct", "2026-11-01T02:00:00Z", ",\"produced_at\":\"2026-11-01T02:00:00Z\"")));
        Path out = tmp.resolve("plans-unstamped-out");
        new Replay(BillingConfig.defaults(), NOW).run(in, out, true);

        // 1M Express tokens at $1 per 1M = $1, inside the $20 credit, in October (New York), nothing due.
        assertThat(lines(out, "priced.jsonl")).singleElement().asString().contains("\"billing_month\":\"2026-10\"");
        assertThat(lines(out, "overage.jsonl")).isEmpty();
        assertThat(lines(out, "invoice-lines.jsonl")).filteredOn(l -> l.contains("\"line_type\":\"TOTAL\""))
                .singleElement().asString().contains("\"amount_due_usd\":\"0\"");
    }

    @Test
    void spendStatusesAreWrittenInTheJsonMoneyFormatAsThePlanChangesAndRequestsGiveThem() throws IOException {
        Path in = tmp.resolve("statuses");
        Files.createDirectories(in);
        // A Free plan ($0.05 credit and ceiling) published on Oct 1, then two Express requests of 30,000 tokens ($0.03)
        Files.writeString(in.resolve("plans.jsonl"), "{\"account_id\":\"free\",\"plan_name\":\"Free\","
                + "\"included_credit_usd\":\"0.05\",\"spend_ceiling_usd\":\"0.05\","
                + "\"effective_from\":\"2026-01-01T00:00:00Z\",\"produced_at\":\"2026-10-01T00:00:00Z\"}\n");
        Files.write(in.resolve("requests.jsonl"), List.of(
                "{\"request_id\":\"s1\",\"account_id\":\"free\",\"requested_model\":\"flux-auto\",\"served_model\":\"flux-express-small\","
                        + "\"input_tokens\":30000,\"output_tokens\":0,\"completed_at\":\"2026-10-02T00:00:00Z\","
                        + "\"produced_at\":\"2026-10-02T00:00:01Z\"}",
                "{\"request_id\":\"s2\",\"account_id\":\"free\",\"requested_model\":\"flux-auto\",\"served_model\":\"flux-express-small\","
                        + "\"input_tokens\":30000,\"output_tokens\":0,\"completed_at\":\"2026-10-02T00:00:05Z\","
                        + "\"produced_at\":\"2026-10-02T00:00:06Z\"}"));
        Path out = tmp.resolve("statuses-out");
        new Replay(BillingConfig.defaults(), NOW).run(in, out, false);

        assertThat(lines(out, "spend-status.jsonl")).containsExactly(
                "{\"account_id\":\"free\",\"billing_month\":\"2026-10\",\"status\":\"ACTIVE\",\"usage_usd\":\"0\","
                        + "\"included_credit_usd\":\"0.05\",\"credit_remaining_usd\":\"0.05\",\"spend_ceiling_usd\":\"0.05\","
                        + "\"remaining_usd\":\"0.05\",\"period_start\":\"2026-10-01T00:00:00Z\",\"period_end\":\"2026-11-01T00:00:00Z\","
                        + "\"projected_usage_usd\":null,\"reason\":\"PLAN_CHANGE\",\"as_of\":\"2026-10-01T00:00:00Z\"}",
                "{\"account_id\":\"free\",\"billing_month\":\"2026-10\",\"status\":\"ACTIVE\",\"usage_usd\":\"0.03\","
                        + "\"included_credit_usd\":\"0.05\",\"credit_remaining_usd\":\"0.02\",\"spend_ceiling_usd\":\"0.05\","
                        + "\"remaining_usd\":\"0.02\",\"period_start\":\"2026-10-01T00:00:00Z\",\"period_end\":\"2026-11-01T00:00:00Z\","
                        + "\"projected_usage_usd\":null,\"reason\":\"USAGE\",\"as_of\":\"2026-10-02T00:00:00Z\"}",
                // 5 s later: a status change (CAPPED at $0.06 >= $0.05) is never throttled
                "{\"account_id\":\"free\",\"billing_month\":\"2026-10\",\"status\":\"CAPPED\",\"usage_usd\":\"0.06\","
                        + "\"included_credit_usd\":\"0.05\",\"credit_remaining_usd\":\"0\",\"spend_ceiling_usd\":\"0.05\","
                        + "\"remaining_usd\":\"0\",\"period_start\":\"2026-10-01T00:00:00Z\",\"period_end\":\"2026-11-01T00:00:00Z\","
                        + "\"projected_usage_usd\":null,\"reason\":\"USAGE\",\"as_of\":\"2026-10-02T00:00:05Z\"}");
    }

    /**
     * Issue 13's review: plans and requests reach the meter in production order, as Kafka Streams takes two inputs
     * (the earlier record timestamp first), not every plan before every request. A $1 cap produced on Oct 15, between
     * a request of Oct 10 and one of Oct 16, caps the account as of Oct 15 (PLAN_CHANGE), and the Oct 10 request's
     * status is as of Oct 10, as live.
     */
    @Test
    void plansWithProducedAtReachTheMeterBetweenTheRequestsProducedBeforeAndAfterThem() throws IOException {
        assertThat(statusesCappedMidOctober("interleaved",
                request("r1", "c", "2026-10-10T00:00:00Z", ",\"produced_at\":\"2026-10-10T00:00:01Z\""),
                request("r2", "c", "2026-10-16T00:00:00Z", ",\"produced_at\":\"2026-10-16T00:00:01Z\""))).containsExactly(
                "ACTIVE 0 PLAN_CHANGE 2026-10-01T00:00:00Z",
                "ACTIVE 1 USAGE 2026-10-10T00:00:00Z",
                // $1 >= the $0.01 cap in force from Oct 15: capped at its publication, no request needed
                "CAPPED 1 PLAN_CHANGE 2026-10-15T00:00:00Z",
                "CAPPED 2 USAGE 2026-10-16T00:00:00Z");
    }

    /**
     * Replays account c's requests under a pay-as-you-go plan published Oct 1 and a $0.01 cap effective and published
     * Oct 15, both with produced_at.
     *
     * @return the spend statuses written, summarised
     */
    private List<String> statusesCappedMidOctober(String name, String... requests) throws IOException {
        Path in = tmp.resolve(name);
        Files.createDirectories(in);
        Files.write(in.resolve("plans.jsonl"), List.of(
                "{\"account_id\":\"c\",\"plan_name\":\"Pay as you go\",\"included_credit_usd\":\"0\",\"spend_ceiling_usd\":null,"
                        + "\"effective_from\":\"2026-01-01T00:00:00Z\",\"produced_at\":\"2026-10-01T00:00:00Z\"}",
                "{\"account_id\":\"c\",\"plan_name\":\"Capped\",\"included_credit_usd\":\"0\",\"spend_ceiling_usd\":\"0.01\","
                        + "\"effective_from\":\"2026-10-15T00:00:00Z\",\"produced_at\":\"2026-10-15T00:00:00Z\"}"));
        Files.write(in.resolve("requests.jsonl"), List.of(requests));
        Path out = tmp.resolve(name + "-out");
        new Replay(BillingConfig.defaults(), NOW).run(in, out, false);
        return lines(out, "spend-status.jsonl").stream().map(ReplayTest::statusSummary).toList();
    }

    /** The account's plans are held from its second request on, and a publication after them must still reach the third. */
    @Test
    void aPlanPublishedAfterAnAccountsPlansAreHeldReachesItsNextRequest() throws IOException {
        assertThat(statusesCappedMidOctober("held-plans",
                request("r0", "c", "2026-10-09T00:00:00Z", ",\"produced_at\":\"2026-10-09T00:00:01Z\""),
                request("r1", "c", "2026-10-10T00:00:00Z", ",\"produced_at\":\"2026-10-10T00:00:01Z\""),
                request("r2", "c", "2026-10-16T00:00:00Z", ",\"produced_at\":\"2026-10-16T00:00:01Z\""))).containsExactly(
                "ACTIVE 0 PLAN_CHANGE 2026-10-01T00:00:00Z",
                "ACTIVE 1 USAGE 2026-10-09T00:00:00Z",
                "ACTIVE 2 USAGE 2026-10-10T00:00:00Z",
                "CAPPED 2 PLAN_CHANGE 2026-10-15T00:00:00Z",
                "CAPPED 3 USAGE 2026-10-16T00:00:00Z");
    }

    private static String statusSummary(String json) {
        try {
            JsonNode node = new ObjectMapper().readTree(json);
            return node.get("status").asText() + " " + node.get("usage_usd").asText() + " " + node.get("reason").asText()
                    + " " + node.get("as_of").asText();
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    @Test
    void theEndOfInputCloseWritesNoSpendStatusOfAPeriodAfterReplaysWallClock() throws IOException {
        Path in = tmp.resolve("close-statuses");
        Files.createDirectories(in);
        Files.writeString(in.resolve("plans.jsonl"), "{\"account_id\":\"free\",\"plan_name\":\"Free\","
                + "\"included_credit_usd\":\"0.05\",\"spend_ceiling_usd\":\"0.05\","
                + "\"effective_from\":\"2026-01-01T00:00:00Z\",\"produced_at\":\"2026-10-01T00:00:00Z\"}\n");
        Files.writeString(in.resolve("requests.jsonl"), "{\"request_id\":\"s1\",\"account_id\":\"free\","
                + "\"requested_model\":\"flux-auto\",\"served_model\":\"flux-express-small\",\"input_tokens\":30000,"
                + "\"output_tokens\":0,\"completed_at\":\"2026-10-02T00:00:00Z\",\"produced_at\":\"2026-10-02T00:00:01Z\"}\n");
        Path open = tmp.resolve("close-statuses-open");
        Path closed = tmp.resolve("close-statuses-closed");
        new Replay(BillingConfig.defaults(), NOW).run(in, open, false);
        new Replay(BillingConfig.defaults(), NOW).run(in, closed, true);

        // The close moves the clock a thousand years on to close every month; the period it lands in is no time the
        // input reached, so each account's last status stays the last one the input gave.
        assertThat(lines(closed, "spend-status.jsonl")).hasSize(2).isEqualTo(lines(open, "spend-status.jsonl"));
        assertThat(lines(closed, "invoice-lines.jsonl")).isNotEmpty();
    }

    private static String requestId(String pricedLine) {
        int at = pricedLine.indexOf("\"request_id\":\"") + 14;
        return pricedLine.substring(at, pricedLine.indexOf('"', at));
    }

    /** An account on each of two partitions, as Kafka's default partitioner places their keys. */
    private static List<String> accountsOnPartitions0And1() {
        String[] byPartition = new String[2];
        for (int i = 0; byPartition[0] == null || byPartition[1] == null; i++) {
            String account = "acct-" + i;
            int partition = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                    account.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % 2;
            if (byPartition[partition] == null) {
                byPartition[partition] = account;
            }
        }
        return List.of(byPartition);
    }

    @Test
    void eachPartitionKeepsItsOwnBillingClock() throws IOException {
        String quiet = accountsOnPartitions0And1().get(0);
        String busy = accountsOnPartitions0And1().get(1);
        Path in = tmp.resolve("partitions");
        Files.createDirectories(in);
        Files.write(in.resolve("requests.jsonl"), List.of(
                request("q1", quiet, "2026-10-20T00:00:00Z", ""),
                // moves the clock past October's end + 24 h: on one clock this closes the quiet account's October
                request("b1", busy, "2026-11-05T00:00:00Z", ""),
                request("q2", quiet, "2026-10-21T00:00:00Z", ""),
                // the supplemental window (PT1H) later on the busy clock: a pending set there is emitted
                request("b2", busy, "2026-11-05T01:00:00Z", "")));

        new Replay(BillingConfig.defaults(), NOW, 1).run(in, tmp.resolve("one"), false);
        new Replay(BillingConfig.defaults(), NOW, 2).run(in, tmp.resolve("two"), false);

        String quietOctoberTotal = "\"account_id\":\"" + quiet + "\",\"billing_month\":\"2026-10\"";
        // One clock: October closed with q1 ($1), then q2 came late and made a supplemental set, emitted by b2.
        assertThat(lines(tmp.resolve("one"), "invoice-lines.jsonl"))
                .filteredOn(l -> l.contains(quietOctoberTotal) && l.contains("\"line_type\":\"TOTAL\""))
                .hasSize(2).anySatisfy(l -> assertThat(l).contains("\"supplemental\":true", "\"amount_usd\":\"1\""));
        // A clock per partition: nothing moved the quiet partition's clock past October, which is still open.
        assertThat(lines(tmp.resolve("two"), "invoice-lines.jsonl")).noneMatch(l -> l.contains(quietOctoberTotal));
        assertThat(lines(tmp.resolve("two"), "priced.jsonl")).map(ReplayTest::requestId).containsExactly("q1", "b1", "q2", "b2");
    }

    @Test
    void theEndOfInputEmitsPendingSupplementalSetsAndNoCloseLeavesThemPending() throws IOException {
        Path in = tmp.resolve("pending");
        Files.createDirectories(in);
        Files.write(in.resolve("requests.jsonl"), List.of(
                request("october", "acct", "2026-10-20T00:00:00Z", ""),
                request("november", "acct", "2026-11-05T00:00:00Z", ""),
                // late, both within the window: one pending set of $2 ($1 per 1M Express tokens, 1M tokens each)
                request("late-1", "acct", "2026-10-21T00:00:00Z", ""),
                request("late-2", "acct", "2026-10-22T00:00:00Z", "")));

        new Replay(BillingConfig.defaults(), NOW).run(in, tmp.resolve("closed"), true);
        new Replay(BillingConfig.defaults(), NOW).run(in, tmp.resolve("no-close"), false);

        BigDecimal lateDue = new BigDecimal("1").add(new BigDecimal("1")).setScale(2).stripTrailingZeros();
        assertThat(lines(tmp.resolve("closed"), "invoice-lines.jsonl")).filteredOn(l -> l.contains("\"line_type\":\"TOTAL\"")
                        && l.contains("\"billing_month\":\"2026-10\"") && l.contains("\"supplemental\":true"))
                .singleElement().asString().contains("\"invoice_set\":1", "\"requests\":2",
                        "\"amount_due_usd\":\"" + lateDue.toPlainString() + "\"");
        assertThat(lines(tmp.resolve("no-close"), "invoice-lines.jsonl"))
                .filteredOn(l -> l.contains("\"line_type\":\"TOTAL\"") && l.contains("\"billing_month\":\"2026-10\""))
                .as("only the original set: the pending one stays pending, as on a busy live partition")
                .singleElement().asString().contains("\"supplemental\":false");
        assertThat(lines(tmp.resolve("no-close"), "priced.jsonl")).hasSize(4);
    }

    @Test
    void aLineOfBytesGoesInAsThoseBytesWhereTheExportFoundThem() throws IOException {
        Path in = tmp.resolve("bytes");
        Files.createDirectories(in);
        byte[] garbage = {(byte) 0xC3, 0x01, 0x02, (byte) 0xFF};
        String key = java.util.Base64.getEncoder().encodeToString("acct".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.write(in.resolve("requests.jsonl"), List.of(
                "{\"key_base64\":\"" + key + "\",\"value_base64\":\""
                        + java.util.Base64.getEncoder().encodeToString(garbage)
                        + "\",\"produced_at\":\"2026-11-20T10:00:00Z\",\"partition\":0,\"offset\":41}"));
        Path out = tmp.resolve("bytes-out");
        new Replay(BillingConfig.defaults(), NOW).run(in, out, false);

        assertThat(lines(out, "rejected.jsonl")).singleElement().asString().contains(
                "\"reason\":\"MALFORMED\"", "\"source_offset\":41", "\"source_timestamp\":\"2026-11-20T10:00:00Z\"",
                "\"original_key\":\"" + key + "\"",
                "\"original_value\":\"" + java.util.Base64.getEncoder().encodeToString(garbage) + "\"");
    }

    @Test
    void aCatalogFileReplacesOnlyThePublishedRecordsOfItsOwnKind() throws IOException {
        Path in = tmp.resolve("models-only");
        Files.createDirectories(in);
        Files.writeString(in.resolve("models.jsonl"), "{\"model_id\":\"m1\",\"lane\":\"DEEP_THOUGHT\"}\n");
        Files.write(in.resolve("requests.jsonl"), List.of(
                // m1 is priced at the published Deep Thought rate: rates.jsonl is absent, so the published rates apply
                "{\"request_id\":\"a\",\"account_id\":\"x\",\"requested_model\":\"flux-auto\",\"served_model\":"
                        + "\"m1\",\"input_tokens\":1000000,\"output_tokens\":0,\"completed_at\":\"2026-11-01T00:00:00Z\"}",
                // a published model that models.jsonl does not name is unknown
                request("b", "x", "2026-11-01T00:00:01Z", "")));
        Path out = tmp.resolve("models-only-out");
        new Replay(BillingConfig.defaults(), NOW).run(in, out, false);

        assertThat(lines(out, "priced.jsonl")).singleElement().asString().contains("\"cost_usd\":\"4\"");
        assertThat(lines(out, "rejected.jsonl")).singleElement().asString().contains("\"reason\":\"UNKNOWN_MODEL\"");
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
