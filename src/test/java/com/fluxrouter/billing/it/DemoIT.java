package com.fluxrouter.billing.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fluxrouter.billing.local.Demo;
import com.fluxrouter.billing.local.DemoPlans;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one-command demo on its own broker: live traffic is priced, accounts reach overage and alerts (shown in time
 * order), the previous month it opens with is closed and invoiced by the rules, and a stop followed by a second run
 * on the same data directory catches up before its first frame, loses nothing and prices nothing twice. Expected
 * money is computed here from the requests the demo sent (read back from its request topic) with the rules' prices;
 * each run ends on a sentinel per request partition, sent after the traffic stopped.
 */
class DemoIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
    private static final int ACCOUNTS = 50;
    private static final Serdes SERDES = new Serdes(WireFormat.SINGLE_OBJECT);
    private static final Map<String, AccountPlan> PLANS = DemoPlans.forAccounts(ACCOUNTS).stream()
            .collect(Collectors.toMap(AccountPlan::getAccountId, plan -> plan));

    @TempDir
    Path dataDir;

    @Test
    void pricesLiveTrafficAndResumesAfterAStopWithoutLossOrDoubleCounting() throws Exception {
        long sentBefore;
        Instant startedAt = Instant.now();
        try (Demo demo = Demo.start(options())) {
            Instant openedBy = Instant.now();
            awaitAtLeast(demo::priced, 200);
            awaitAtLeast(demo::alerts, 1);
            awaitAtLeast(demo::accountsInOverage, 1);
            assertThat(demo.alertsShown()).isSortedAccordingTo(Comparator.comparing(SpendAlert::getAt));
            demo.stopTraffic();
            sentBefore = demo.sent();
            // Months close as requests move the clocks, in the transaction that prices them: once the sentinels are
            // through, every request is priced and the previous month's invoices are on the topic. A loaded machine
            // needs a while to drain the traffic.
            awaitSentinels(demo, "first run");
            Map<String, RoutedRequest> sent = sentRequests(demo);
            assertThat(sent).hasSize((int) sentBefore);
            assertEachPricedOnceAtItsPrice(demo, sent);
            assertUsageOfAcct000(demo, sent.values());
            assertLastMonthIsClosedAndInvoicedByTheRules(demo, sent.values(), startedAt, openedBy);
        }
        try (Demo demo = Demo.start(options())) {
            // Caught up before its first frame: everything the first run priced is counted when start returns.
            assertThat(demo.priced()).isGreaterThanOrEqualTo(sentBefore);
            awaitAtLeast(demo::priced, sentBefore + 100);
            demo.stopTraffic();
            long sentInAll = sentBefore + demo.sent();
            awaitSentinels(demo, "second run");
            Map<String, RoutedRequest> sent = sentRequests(demo);
            assertThat(sent).hasSize((int) sentInAll);
            assertEachPricedOnceAtItsPrice(demo, sent);
            assertThat(snapshot(demo, Topics.REJECTED)).as("only the sentinels rejected")
                    .hasSize(2 * partitions(demo));
            // The demo's own figures agree, once its view has read that far.
            awaitAtLeast(demo::priced, sentInAll);
            assertThat(demo.priced()).isEqualTo(sentInAll);
            awaitAtLeast(demo::rejected, 2L * partitions(demo));
            assertThat(demo.rejected()).isEqualTo(2L * partitions(demo));
        }
    }

    /**
     * Sends, last on every request partition, bytes that are not a record (rejected MALFORMED, billing nothing) and
     * waits until each is rejected: every record sent before is then processed and its outputs committed.
     */
    private static void awaitSentinels(Demo demo, String run) {
        Set<ByteBuffer> sentinels = new HashSet<>();
        int partitions = partitions(demo);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, demo.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int partition = 0; partition < partitions; partition++) {
                byte[] sentinel = ("sentinel of the " + run + " on partition " + partition).getBytes(StandardCharsets.UTF_8);
                sentinels.add(ByteBuffer.wrap(sentinel));
                producer.send(new ProducerRecord<>(Topics.ROUTED, partition,
                        Sentinels.account(partition, partitions).getBytes(StandardCharsets.UTF_8), sentinel));
            }
        }
        CommittedRecords.await(clientSettings(demo), Topics.REJECTED, records -> records.stream()
                .map(record -> SERDES.avro(RejectedRecord.class).deserializer().deserialize(Topics.REJECTED,
                        record.value()).getOriginalValue()).collect(Collectors.toSet()).containsAll(sentinels),
                DRAIN_TIMEOUT);
    }

    /** The valid requests the demo produced, all runs together, by request id, read back from its request topic. */
    private static Map<String, RoutedRequest> sentRequests(Demo demo) {
        Map<String, RoutedRequest> sent = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : snapshot(demo, Topics.ROUTED)) {
            if (!new String(record.value(), StandardCharsets.UTF_8).startsWith("sentinel of the ")) {
                RoutedRequest request = SERDES.avro(RoutedRequest.class).deserializer().deserialize(Topics.ROUTED,
                        record.value());
                assertThat(sent.put(request.getRequestId(), request)).as("request ids are unique").isNull();
            }
        }
        return sent;
    }

    /** Every request the demo sent is priced exactly once, at rule 1's price for its served model. */
    private static void assertEachPricedOnceAtItsPrice(Demo demo, Map<String, RoutedRequest> sent) {
        Map<String, BigDecimal> priced = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : snapshot(demo, Topics.PRICED)) {
            PricedRequest request = SERDES.avro(PricedRequest.class).deserializer().deserialize(Topics.PRICED, record.value());
            assertThat(priced.put(request.getRequestId(), request.getCostUsd())).as("priced twice: %s",
                    request.getRequestId()).isNull();
        }
        assertThat(priced.keySet()).isEqualTo(sent.keySet());
        sent.forEach((id, request) -> assertThat(priced.get(id)).as("cost of %s", id).isEqualByComparingTo(cost(request)));
    }

    /**
     * The API's month of acct-000 (Team: $1 credit, $5 ceiling, UTC), every figure recomputed here from the requests
     * the demo sent: usage and each lane's requests and amount by rules 1 and 2, credit applied, overage due and the
     * amount over the ceiling by rule 7. The month is that of acct-000's latest request, asked for with ?month=: the
     * wall clock's month when the test asserts can be a later one, without a request, once the traffic ran into a
     * month's end.
     */
    private static void assertUsageOfAcct000(Demo demo, Collection<RoutedRequest> sent) throws Exception {
        String month = monthOf(sent.stream().filter(request -> request.getAccountId().equals("acct-000"))
                .max(Comparator.comparing(RoutedRequest::getCompletedAt)).orElseThrow());
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(demo.apiAddress() + "/accounts/acct-000/usage?month=" + month)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.get("account_id").asText()).isEqualTo("acct-000");
        assertThat(body.get("billing_month").asText()).isEqualTo(month);

        Map<String, BigDecimal> lanes = new TreeMap<>();
        Map<String, Long> requests = new TreeMap<>();
        for (RoutedRequest request : sent) {
            if (request.getAccountId().equals("acct-000") && monthOf(request).equals(month)) {
                String lane = PublishedPrices.LANE_BY_MODEL.get(request.getServedModel());
                lanes.merge(lane, cost(request), BigDecimal::add);
                requests.merge(lane, 1L, Long::sum);
            }
        }
        assertThat(requests).as("requests metered for acct-000").isNotEmpty();
        Map<String, BigDecimal> shownLanes = new TreeMap<>();
        Map<String, Long> shownRequests = new TreeMap<>();
        for (JsonNode lane : body.get("lanes")) {
            shownLanes.put(lane.get("lane").asText(), new BigDecimal(lane.get("amount_usd").asText()).stripTrailingZeros());
            shownRequests.put(lane.get("lane").asText(), lane.get("requests").asLong());
        }
        lanes.replaceAll((lane, amount) -> amount.stripTrailingZeros());
        assertThat(shownLanes).isEqualTo(lanes);
        assertThat(shownRequests).isEqualTo(requests);

        BigDecimal usage = lanes.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal credit = new BigDecimal("1");
        BigDecimal ceiling = new BigDecimal("5");
        assertThat(new BigDecimal(body.get("usage_usd").asText())).isEqualByComparingTo(usage);
        assertThat(new BigDecimal(body.get("included_credit_usd").asText())).isEqualByComparingTo(credit);
        assertThat(new BigDecimal(body.get("spend_ceiling_usd").asText())).isEqualByComparingTo(ceiling);
        assertThat(new BigDecimal(body.get("credit_applied_usd").asText())).isEqualByComparingTo(usage.min(credit));
        assertThat(new BigDecimal(body.get("overage_due_usd").asText()))
                .isEqualByComparingTo(usage.min(ceiling).subtract(credit).max(BigDecimal.ZERO));
        assertThat(new BigDecimal(body.get("over_ceiling_usd").asText()))
                .isEqualByComparingTo(usage.subtract(ceiling).max(BigDecimal.ZERO));
    }

    /**
     * The first run opens with requests of a past month, which closes once this month's traffic passes its end and
     * grace: every account-month of it gets an invoice whose USAGE lines add up to its usage, recomputed here from the
     * requests sent, whose exact TOTAL is max(0, min(usage, ceiling) - credit) (docs/billing-rules.md, rules 7 and
     * 10), and whose amount due is that rounded half-up to cents. That month is the one of the opening requests, the
     * earliest the demo sent, not the month before the wall clock's when the test asserts (another one once the
     * traffic ran into a month's end).
     */
    private static void assertLastMonthIsClosedAndInvoicedByTheRules(Demo demo, Collection<RoutedRequest> sent,
                                                                     Instant startedAt, Instant openedBy) {
        String lastMonth = monthOf(sent.stream().min(Comparator.comparing(RoutedRequest::getCompletedAt)).orElseThrow());
        // The README's rule, independently of Demo.lastMonth: the previous month (UTC), or the month before it when
        // the demo started in the first 29 hours of a month; the month of the start could be either side of that.
        assertThat(lastMonth).as("the opening month of a demo started between %s and %s", startedAt, openedBy)
                .isIn(openingMonth(startedAt), openingMonth(openedBy));
        Instant openingAt = YearMonth.parse(lastMonth).plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                .minus(Duration.ofHours(12));
        assertThat(sent.stream().filter(request -> monthOf(request).equals(lastMonth)).toList())
                .as("the opening requests: the only ones of %s, 12 hours before its end (UTC)", lastMonth).hasSize(100)
                .allSatisfy(request -> assertThat(request.getCompletedAt()).isEqualTo(openingAt));
        Map<String, BigDecimal> usage = new TreeMap<>();
        for (RoutedRequest request : sent) {
            if (monthOf(request).equals(lastMonth)) {
                usage.merge(request.getAccountId(), cost(request), BigDecimal::add);
            }
        }
        Map<String, BigDecimal> invoicedUsage = new TreeMap<>();
        Map<String, InvoiceLine> totals = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : snapshot(demo, Topics.INVOICE_LINES)) {
            InvoiceLine line = SERDES.avro(InvoiceLine.class).deserializer().deserialize(Topics.INVOICE_LINES, record.value());
            if (!line.getBillingMonth().equals(lastMonth)) {
                continue;
            }
            assertThat(line.getSupplemental()).isFalse();
            if (line.getLineType().equals("USAGE")) {
                invoicedUsage.merge(line.getAccountId(), line.getAmountUsd(), BigDecimal::add);
            } else if (line.getLineType().equals("TOTAL")) {
                assertThat(totals.put(line.getAccountId(), line)).as("one TOTAL for %s", line.getAccountId()).isNull();
            }
        }
        assertThat(usage).hasSizeGreaterThan(1);
        assertThat(totals.keySet()).as("invoices of %s", lastMonth).isEqualTo(usage.keySet());
        usage.forEach((account, used) -> {
            AccountPlan plan = PLANS.get(account);
            BigDecimal billable = plan.getSpendCeilingUsd() == null ? used : used.min(plan.getSpendCeilingUsd());
            BigDecimal total = billable.subtract(plan.getIncludedCreditUsd()).max(BigDecimal.ZERO);
            assertThat(invoicedUsage.get(account)).as("%s %s usage", account, lastMonth).isEqualByComparingTo(used);
            assertThat(totals.get(account).getAmountUsd()).as("%s %s total", account, lastMonth)
                    .isEqualByComparingTo(total);
            assertThat(totals.get(account).getAmountDueUsd()).as("%s %s amount due", account, lastMonth)
                    .isEqualByComparingTo(total.setScale(2, RoundingMode.HALF_UP));
        });
        assertThat(demo.invoiceLines()).isGreaterThanOrEqualTo(2L * usage.size());
    }

    private static String openingMonth(Instant startedAt) {
        return YearMonth.from(startedAt.minus(Duration.ofHours(29)).atZone(ZoneOffset.UTC)).minusMonths(1).toString();
    }

    private static BigDecimal cost(RoutedRequest request) {
        return PublishedPrices.cost(request.getServedModel(), request.getInputTokens(), request.getOutputTokens());
    }

    /** Rule 5: the calendar month of completed_at in the account's billing zone (UTC unless its plan names one). */
    private static String monthOf(RoutedRequest request) {
        String zone = PLANS.get(request.getAccountId()).getBillingTimeZone();
        return YearMonth.from(request.getCompletedAt().atZone(zone == null ? ZoneOffset.UTC : ZoneId.of(zone))).toString();
    }

    private static List<ConsumerRecord<byte[], byte[]>> snapshot(Demo demo, String topic) {
        return CommittedRecords.snapshot(clientSettings(demo), topic);
    }

    private static Map<String, Object> clientSettings(Demo demo) {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, demo.bootstrapServers());
    }

    private static int partitions(Demo demo) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, demo.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            return producer.partitionsFor(Topics.ROUTED).size();
        }
    }

    private Demo.Options options() {
        return new Demo.Options(dataDir, 0, 0, 200, ACCOUNTS, 7, null, Duration.ofMillis(500),
                new PrintStream(OutputStream.nullOutputStream()));
    }

    private static void awaitAtLeast(LongSupplier value, long expected) {
        awaitAtLeast(value, expected, TIMEOUT);
    }

    private static void awaitAtLeast(LongSupplier value, long expected, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(value.getAsLong()).isGreaterThanOrEqualTo(expected));
    }
}
