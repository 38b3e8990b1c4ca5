package com.fluxrouter.billing.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fluxrouter.billing.local.Demo;
import com.fluxrouter.billing.local.DemoPlans;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one-command demo on its own broker: live traffic is priced, accounts reach overage and alerts (shown in time
 * order), the previous month it opens with is closed and invoiced by the rules, and a stop followed by a second run
 * on the same data directory catches up before its first frame, loses nothing and prices nothing twice.
 */
class DemoIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
    private static final int ACCOUNTS = 50;
    private static final Serdes SERDES = new Serdes(WireFormat.SINGLE_OBJECT);

    @TempDir
    Path dataDir;

    @Test
    void pricesLiveTrafficAndResumesAfterAStopWithoutLossOrDoubleCounting() throws Exception {
        long sentBefore;
        try (Demo demo = Demo.start(options())) {
            awaitAtLeast(demo::priced, 200);
            awaitAtLeast(demo::alerts, 1);
            awaitAtLeast(demo::accountsInOverage, 1);
            HttpResponse<String> usage = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(demo.apiAddress() + "/accounts/acct-000/usage")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(usage.statusCode()).isEqualTo(200);
            assertUsageAddsUp(usage.body());
            assertThat(demo.alertsShown()).isSortedAccordingTo(Comparator.comparing(SpendAlert::getAt));
            demo.stopTraffic();
            sentBefore = demo.sent();
            // Months close as requests move the clocks, in the transaction that prices them: once all are priced,
            // the previous month's invoices are on the topic. A loaded machine needs a while to drain the traffic.
            awaitAtLeast(demo::priced, sentBefore, DRAIN_TIMEOUT);
            assertLastMonthIsClosedAndInvoicedByTheRules(demo);
        }
        try (Demo demo = Demo.start(options())) {
            // Caught up before its first frame: everything the first run priced is counted when start returns.
            assertThat(demo.priced()).isGreaterThanOrEqualTo(sentBefore);
            awaitAtLeast(demo::priced, sentBefore + 100);
            demo.stopTraffic();
            long sentInAll = sentBefore + demo.sent();
            awaitAtLeast(demo::priced, sentInAll, DRAIN_TIMEOUT);
            Thread.sleep(2_000); // would anything be priced twice, it would show up by now
            assertThat(demo.priced()).isEqualTo(sentInAll);
            assertThat(demo.rejected()).isZero();
        }
    }

    /**
     * The first run opens with requests of the previous month, which closes once this month's traffic passes its
     * end and grace: every account-month of it gets an invoice whose exact TOTAL is max(0, min(usage, ceiling) -
     * credit) (docs/billing-rules.md, rules 7 and 10), usage being the sum of its priced requests, and whose amount due
     * is that rounded half-up to cents.
     */
    private static void assertLastMonthIsClosedAndInvoicedByTheRules(Demo demo) throws Exception {
        String lastMonth = YearMonth.now(ZoneOffset.UTC).minusMonths(1).toString();
        Map<String, BigDecimal> usage = new HashMap<>();
        Map<String, BigDecimal> due = new HashMap<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (usage.isEmpty() || !due.keySet().equals(usage.keySet())) {
            assertThat(System.nanoTime()).as("invoices of %s for %s (got %s)", usage.keySet(), lastMonth, due.keySet())
                    .isLessThan(deadline);
            Thread.sleep(1000);
            usage.clear();
            due.clear();
            for (byte[] value : readCommitted(demo.bootstrapServers(), Topics.PRICED)) {
                PricedRequest request = SERDES.avro(PricedRequest.class).deserializer().deserialize(Topics.PRICED, value);
                if (request.getBillingMonth().equals(lastMonth)) {
                    usage.merge(request.getAccountId(), request.getCostUsd(), BigDecimal::add);
                }
            }
            for (byte[] value : readCommitted(demo.bootstrapServers(), Topics.INVOICE_LINES)) {
                InvoiceLine line = SERDES.avro(InvoiceLine.class).deserializer().deserialize(Topics.INVOICE_LINES, value);
                if (line.getBillingMonth().equals(lastMonth) && line.getLineType().equals("TOTAL")) {
                    assertThat(line.getSupplemental()).isFalse();
                    assertThat(line.getAmountDueUsd()).as("%s amount due: the exact total rounded half-up to cents",
                            line.getAccountId()).isEqualTo(line.getAmountUsd().setScale(2, RoundingMode.HALF_UP).setScale(9));
                    due.put(line.getAccountId(), line.getAmountUsd());
                }
            }
        }
        assertThat(usage).hasSizeGreaterThan(1);
        Map<String, AccountPlan> plans = DemoPlans.forAccounts(ACCOUNTS).stream()
                .collect(Collectors.toMap(AccountPlan::getAccountId, plan -> plan));
        usage.forEach((account, used) -> {
            AccountPlan plan = plans.get(account);
            BigDecimal billable = plan.getSpendCeilingUsd() == null ? used : used.min(plan.getSpendCeilingUsd());
            assertThat(due.get(account)).as("%s %s total", account, lastMonth)
                    .isEqualByComparingTo(billable.subtract(plan.getIncludedCreditUsd()).max(BigDecimal.ZERO));
        });
        assertThat(demo.invoiceLines()).isGreaterThanOrEqualTo(2L * usage.size());
    }

    /** Values of a topic's committed records, read up to each partition's last stable offset. */
    private static List<byte[]> readCommitted(String bootstrapServers, String topic) {
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
        }
        return values;
    }

    private Demo.Options options() {
        return new Demo.Options(dataDir, 0, 0, 200, ACCOUNTS, 7, null, Duration.ofMillis(500),
                new PrintStream(OutputStream.nullOutputStream()));
    }

    /**
     * The account's month as the API shows it: its account, usage equal to the sum of its lanes (priced traffic
     * reached it), and rule 7's figures recomputed here from usage, credit and ceiling with BigDecimal.
     */
    private static void assertUsageAddsUp(String body) throws Exception {
        JsonNode month = new ObjectMapper().readTree(body);
        assertThat(month.get("account_id").asText()).isEqualTo("acct-000");
        BigDecimal usage = new BigDecimal(month.get("usage_usd").asText());
        BigDecimal lanes = BigDecimal.ZERO;
        long requests = 0;
        for (JsonNode lane : month.get("lanes")) {
            lanes = lanes.add(new BigDecimal(lane.get("amount_usd").asText()));
            requests += lane.get("requests").asLong();
        }
        assertThat(requests).as("requests metered for acct-000").isPositive();
        assertThat(usage).as("usage_usd = sum of the lanes").isEqualByComparingTo(lanes);
        BigDecimal credit = new BigDecimal(month.get("included_credit_usd").asText());
        JsonNode ceilingNode = month.get("spend_ceiling_usd");
        BigDecimal billable = ceilingNode.isNull() ? usage : usage.min(new BigDecimal(ceilingNode.asText()));
        BigDecimal overCeiling = ceilingNode.isNull() ? BigDecimal.ZERO
                : usage.subtract(new BigDecimal(ceilingNode.asText())).max(BigDecimal.ZERO);
        assertThat(new BigDecimal(month.get("credit_applied_usd").asText())).isEqualByComparingTo(usage.min(credit));
        assertThat(new BigDecimal(month.get("overage_due_usd").asText()))
                .isEqualByComparingTo(billable.subtract(credit).max(BigDecimal.ZERO));
        assertThat(new BigDecimal(month.get("over_ceiling_usd").asText())).isEqualByComparingTo(overCeiling);
    }

    private static void awaitAtLeast(LongSupplier value, long expected) {
        awaitAtLeast(value, expected, TIMEOUT);
    }

    private static void awaitAtLeast(LongSupplier value, long expected, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(value.getAsLong()).isGreaterThanOrEqualTo(expected));
    }
}
