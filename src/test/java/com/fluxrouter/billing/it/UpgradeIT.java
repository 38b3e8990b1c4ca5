package com.fluxrouter.billing.it;

import com.fluxrouter.billing.local.Seed;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.fluxrouter.billing.schema.state.PlanHistory;
import com.fluxrouter.billing.serde.SchemaHistory;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upgrading a running deployment from the released code keeps billing exact. The release at {@value #RELEASED} is
 * built from git history ({@link ReleasedBuild}) and runs as a child process ({@code java -cp ... run}) on an
 * in-process broker: catalog and plans are seeded and a past month is opened with requests. It is stopped; the
 * current code starts on the same application id and broker with an empty state directory, so every store is
 * restored from the changelogs the release wrote and the global catalog from its validated topics. The month then
 * bills on (more requests, router retries of requests from before the upgrade) and closes: every invoice figure equals
 * the billing rules' computation from the lane prices to the nano-dollar, every request is priced once, and the only
 * rejections are the sentinels sent last (nothing MALFORMED or PROCESSING_ERROR).
 */
@WithBroker(partitions = 2)
class UpgradeIT {
    /** The released commit the upgrade starts from: the last release before state schemas were kept. */
    static final String RELEASED = "52fbfc3";
    private static final Duration TIMEOUT = Duration.ofSeconds(240);
    private static final int REQUESTS_PER_ACCOUNT_AND_PHASE = 40;
    private static final int RETRIES = 12;
    private static final String MAIN = "com.fluxrouter.billing.cli.FluxBilling";


    private static EmbeddedKafka kafka;
    private static ReleasedBuild released;
    private static Path work;

    private final Serdes serdes = new Serdes(WireFormat.SINGLE_OBJECT);
    private final List<ChildProcessGuard> children = new ArrayList<>();

    @BeforeAll
    static void buildRelease() throws Exception {
        released = ReleasedBuild.of(RELEASED);
        work = Files.createDirectories(Path.of("target", "upgrade-it", Long.toString(System.currentTimeMillis()))
                .toAbsolutePath());
    }

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (ChildProcessGuard child : children) {
            child.close();
        }
    }

    @Test
    void aMonthOpenedByTheReleasedCodeBillsOnAndClosesExactlyAfterTheUpgrade() throws Exception {
        assertThat(released.classes().resolve("schemas/history")).as("the released code predates the kept schemas")
                .doesNotExist();
        YearMonth month = closedMonth(Instant.now());
        List<AccountPlan> plans = List.of(
                plan("upg-team", "Team", "1", "5", null),
                plan("upg-payg", "Pay As You Go", "0", null, null),
                plan("upg-ny", "Team NY", "2.5", null, "America/New_York"));
        Random random = new Random(52);
        List<RoutedRequest> before = requests(plans, month, 3, 12, "before", random);
        List<RoutedRequest> after = requests(plans, month, 13, 25, "after", random);

        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            Seed.catalog(producer, serdes);
            Seed.plans(producer, serdes, plans);

            // The released code validates the catalog into its own topics and folds the plans; started again, it
            // restores the global catalog before pricing anything (as after any restart), and opens the month.
            List<String> releasedLauncher = released.launcher();
            ChildProcessGuard seeding = start("released-seeding", releasedLauncher, work.resolve("state-released"));
            awaitRecords("flux-billing.catalog.models.valid", PublishedPrices.LANE_BY_MODEL.size());
            awaitRecords("flux-billing.catalog.rates.valid", 3);
            awaitRecords("flux-billing-plan-history-changelog", plans.size());
            seeding.stop(60);
            ChildProcessGuard released = start("released", releasedLauncher, work.resolve("state-released"));
            sendAll(producer, before);
            awaitPriced(before.size(), "released");
            assertStateWrittenWithTheReleasedSchemas();
            released.stop(60);

            // The current code takes over on the same application id, restoring every store from the changelogs.
            start("current", List.of("java", "-cp", System.getProperty("java.class.path"), MAIN),
                    work.resolve("state-current"));
            List<RoutedRequest> retries = new ArrayList<>();
            for (int i = 0; i < RETRIES; i++) {
                retries.add(before.get(random.nextInt(before.size())));
            }
            sendAll(producer, after);
            sendAll(producer, retries);
            // A request of now per account moves each clock past the month's end + grace: the month closes.
            List<RoutedRequest> closing = new ArrayList<>();
            for (AccountPlan plan : plans) {
                closing.add(request("closing-" + plan.getAccountId(), plan.getAccountId(), "flux-express-small",
                        1_000, 100, Instant.now()));
            }
            sendAll(producer, closing);
            // Sentinels, last on every account's partition: their rejections mean everything before was processed.
            List<RoutedRequest> sentinels = new ArrayList<>();
            for (AccountPlan plan : plans) {
                sentinels.add(request("sentinel-" + plan.getAccountId(), plan.getAccountId(), "flux-express-small",
                        -1, 0, Instant.now()));
            }
            sendAll(producer, sentinels);

            assertOnlyTheSentinelsWereRejected(sentinels);
            List<RoutedRequest> billed = new ArrayList<>(before);
            billed.addAll(after);
            billed.addAll(closing);
            assertEachRequestPricedOnceAtItsPrice(billed);
            assertInvoicesExact(month, plans, before, after);
        }
    }

    // ---- phase checks ----

    /** The released code's state, in its changelogs, carries the v1 fingerprints and decodes with today's serdes. */
    private void assertStateWrittenWithTheReleasedSchemas() {
        List<ConsumerRecord<byte[], byte[]>> ledgers = kafka.awaitCommitted("flux-billing-account-months-changelog", 3, TIMEOUT);
        assertThat(ledgers).as("account-months written by the released code").hasSizeGreaterThanOrEqualTo(3);
        long v1 = SchemaNormalization.parsingFingerprint64(SchemaHistory.versions("MonthLedger").get(0));
        for (ConsumerRecord<byte[], byte[]> record : ledgers) {
            assertThat(fingerprint(record.value())).isEqualTo(v1);
            MonthLedger ledger = serdes.internal(MonthLedger.class).deserializer().deserialize(record.topic(), record.value());
            assertThat(ledger.getAccountId()).startsWith("upg-");
        }
        List<ConsumerRecord<byte[], byte[]>> histories = kafka.awaitCommitted("flux-billing-plan-history-changelog", 3, TIMEOUT);
        assertThat(histories).hasSizeGreaterThanOrEqualTo(3);
        long planV1 = SchemaNormalization.parsingFingerprint64(SchemaHistory.versions("PlanHistory").get(0));
        for (ConsumerRecord<byte[], byte[]> record : histories) {
            assertThat(fingerprint(record.value())).isEqualTo(planV1);
            assertThat(serdes.internal(PlanHistory.class).deserializer().deserialize(record.topic(), record.value())
                    .getVersions()).hasSize(1);
        }
    }

    /**
     * Waits until every sentinel is rejected: each partition's outputs of everything sent before its sentinel are
     * committed then, so the topics are read whole afterwards.
     */
    private void assertOnlyTheSentinelsWereRejected(List<RoutedRequest> sentinels) {
        List<String> expected = sentinels.stream().map(sentinel -> "INVALID_TOKENS " + sentinel.getRequestId()).toList();
        kafka.awaitCommitted(Topics.REJECTED, records -> rejections(records).containsAll(expected), TIMEOUT);
        List<String> rejected = rejections(kafka.committed(Topics.REJECTED));
        assertThat(rejected).as("rejections (logs in %s)", work).containsExactlyInAnyOrderElementsOf(expected);
    }

    private void assertEachRequestPricedOnceAtItsPrice(List<RoutedRequest> billed) {
        Map<String, RoutedRequest> byId = new HashMap<>();
        billed.forEach(request -> byId.put(request.getRequestId(), request));
        List<ConsumerRecord<byte[], byte[]>> records = kafka.committed(Topics.PRICED);
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            PricedRequest priced = serdes.avro(PricedRequest.class).deserializer().deserialize(Topics.PRICED, record.value());
            assertThat(seen.add(priced.getRequestId())).as("priced once: %s", priced.getRequestId()).isTrue();
            RoutedRequest request = byId.get(priced.getRequestId());
            assertThat(request).as("priced %s was sent", priced.getRequestId()).isNotNull();
            assertThat(priced.getCostUsd()).as(priced.getRequestId()).isEqualByComparingTo(cost(request));
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(byId.keySet());
    }

    private void assertInvoicesExact(YearMonth month, List<AccountPlan> plans, List<RoutedRequest> before,
                                     List<RoutedRequest> after) {
        Map<String, Expected> expected = new TreeMap<>();
        for (AccountPlan plan : plans) {
            expected.put(plan.getAccountId(), new Expected(plan));
        }
        before.forEach(request -> expected.get(request.getAccountId()).add(request));
        after.forEach(request -> expected.get(request.getAccountId()).add(request));

        Map<String, List<InvoiceLine>> lines = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.committed(Topics.INVOICE_LINES)) {
            InvoiceLine line = serdes.avro(InvoiceLine.class).deserializer().deserialize(Topics.INVOICE_LINES, record.value());
            assertThat(line.getBillingMonth()).as("only the opened month closes").isEqualTo(month.toString());
            assertThat(line.getSupplemental()).isFalse();
            assertThat(line.getInvoiceSet()).isZero();
            lines.computeIfAbsent(line.getAccountId(), ignored -> new ArrayList<>()).add(line);
        }
        assertThat(lines.keySet()).as("accounts invoiced (logs in %s)", work).isEqualTo(expected.keySet());
        expected.forEach((account, figures) -> figures.check(lines.get(account)));
    }

    // ---- the expectation, from the billing rules' text ----

    /** One account-month's figures by docs/billing-rules.md rules 7 and 10, from the lane prices of rule 1. */
    private static final class Expected {
        private final BigDecimal credit;
        private final BigDecimal ceiling;
        private final Map<String, BigDecimal> usageByLane = new LinkedHashMap<>();
        private final Map<String, Long> requestsByLane = new HashMap<>();
        private long requests;

        Expected(AccountPlan plan) {
            this.credit = plan.getIncludedCreditUsd();
            this.ceiling = plan.getSpendCeilingUsd();
            for (String lane : List.of("EXPRESS", "DAILY_DRIVER", "DEEP_THOUGHT")) {
                usageByLane.put(lane, BigDecimal.ZERO);
                requestsByLane.put(lane, 0L);
            }
        }

        void add(RoutedRequest request) {
            String lane = PublishedPrices.LANE_BY_MODEL.get(request.getServedModel());
            usageByLane.merge(lane, cost(request), BigDecimal::add);
            requestsByLane.merge(lane, 1L, Long::sum);
            requests++;
        }

        BigDecimal usage() {
            return usageByLane.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        }

        BigDecimal creditApplied() {
            return usage().min(credit);
        }

        BigDecimal overCeiling() {
            return ceiling == null ? BigDecimal.ZERO : usage().subtract(ceiling).max(BigDecimal.ZERO);
        }

        BigDecimal overageDue() {
            BigDecimal billable = ceiling == null ? usage() : usage().min(ceiling);
            return billable.subtract(credit).max(BigDecimal.ZERO);
        }

        int lineCount() {
            int lanes = (int) requestsByLane.values().stream().filter(count -> count > 0).count();
            return lanes + (creditApplied().signum() != 0 ? 1 : 0) + (overCeiling().signum() != 0 ? 1 : 0) + 1;
        }

        void check(List<InvoiceLine> lines) {
            assertThat(lines).hasSize(lineCount());
            Map<String, List<InvoiceLine>> byType = lines.stream().collect(Collectors.groupingBy(InvoiceLine::getLineType));
            usageByLane.forEach((lane, amount) -> {
                List<InvoiceLine> usage = byType.getOrDefault("USAGE", List.of()).stream()
                        .filter(line -> lane.equals(line.getLane())).toList();
                if (requestsByLane.get(lane) == 0) {
                    assertThat(usage).isEmpty();
                    return;
                }
                assertThat(usage).hasSize(1);
                assertThat(usage.get(0).getAmountUsd()).as("USAGE %s", lane).isEqualByComparingTo(amount);
                assertThat(usage.get(0).getRequests()).isEqualTo(requestsByLane.get(lane));
            });
            if (creditApplied().signum() != 0) {
                assertThat(byType.get("INCLUDED_CREDIT")).singleElement().extracting(InvoiceLine::getAmountUsd)
                        .satisfies(amount -> assertThat(amount).isEqualByComparingTo(creditApplied().negate()));
            }
            if (overCeiling().signum() != 0) {
                assertThat(byType.get("CEILING_ADJUSTMENT")).singleElement().extracting(InvoiceLine::getAmountUsd)
                        .satisfies(amount -> assertThat(amount).isEqualByComparingTo(overCeiling().negate()));
            }
            assertThat(byType.get("TOTAL")).hasSize(1);
            InvoiceLine total = byType.get("TOTAL").get(0);
            assertThat(total.getRequests()).isEqualTo(requests);
            assertThat(total.getAmountUsd()).as("TOTAL of %s", total.getAccountId()).isEqualByComparingTo(overageDue());
            assertThat(total.getAmountDueUsd()).isEqualByComparingTo(overageDue().setScale(2, RoundingMode.HALF_UP));
        }
    }

    private static BigDecimal cost(RoutedRequest request) {
        return PublishedPrices.cost(request.getServedModel(), request.getInputTokens(), request.getOutputTokens());
    }

    // ---- traffic ----

    /** A month that ended over two days ago (its close is due in any zone), late enough for the dedup window. */
    private static YearMonth closedMonth(Instant now) {
        YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
        while (!month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofDays(2)).isBefore(now)) {
            month = month.minusMonths(1);
        }
        return month;
    }

    private static List<RoutedRequest> requests(List<AccountPlan> plans, YearMonth month, int firstDay, int lastDay,
                                                String phase, Random random) {
        List<String> models = PublishedPrices.LANE_BY_MODEL.keySet().stream().sorted().toList();
        List<RoutedRequest> requests = new ArrayList<>();
        Instant from = month.atDay(firstDay).atStartOfDay(ZoneOffset.UTC).toInstant();
        long span = Duration.ofDays(lastDay - firstDay + 1).toMillis();
        for (int i = 0; i < REQUESTS_PER_ACCOUNT_AND_PHASE; i++) {
            Instant at = from.plusMillis(span * i / REQUESTS_PER_ACCOUNT_AND_PHASE);
            for (AccountPlan plan : plans) {
                requests.add(request(phase + "-" + plan.getAccountId() + "-" + i, plan.getAccountId(),
                        models.get(random.nextInt(models.size())), 10_000 + random.nextInt(400_000),
                        1_000 + random.nextInt(50_000), at));
            }
        }
        return requests;
    }

    private static RoutedRequest request(String id, String account, String model, long input, long output, Instant at) {
        return RoutedRequest.newBuilder().setRequestId(id).setAccountId(account).setRequestedModel("flux-auto")
                .setServedModel(model).setLane(null).setInputTokens(input).setOutputTokens(output).setCompletedAt(at)
                .setQuotedCostUsd(null).build();
    }

    private static AccountPlan plan(String account, String name, String credit, String ceiling, String zone) {
        return AccountPlan.newBuilder().setAccountId(account).setPlanName(name)
                .setIncludedCreditUsd(new BigDecimal(credit).setScale(9))
                .setSpendCeilingUsd(ceiling == null ? null : new BigDecimal(ceiling).setScale(9))
                .setBillingTimeZone(zone).setEffectiveFrom(Instant.parse("2020-01-01T00:00:00Z")).build();
    }

    private void sendAll(KafkaProducer<byte[], byte[]> producer, List<RoutedRequest> requests) throws Exception {
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (RoutedRequest request : requests) {
            sent.add(producer.send(new ProducerRecord<>(Topics.ROUTED,
                    serdes.string().serializer().serialize(Topics.ROUTED, request.getAccountId()),
                    serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request))));
        }
        producer.flush();
        for (java.util.concurrent.Future<?> result : sent) {
            result.get();
        }
    }

    // ---- processes and records ----

    /** A pipeline as a child process ({@code run}) on the test broker, with the default application id. */
    private ChildProcessGuard start(String name, List<String> launcher, Path stateDir) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("run", "--bootstrap-servers", kafka.bootstrapServers()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("KAFKA_STATE_DIR", stateDir.toString());
        builder.environment().put("FLUX_HTTP_PORT", "0");
        // The month must close by event time after the upgrade, not by a quiet partition's wall clock before it.
        builder.environment().put("FLUX_BILLING_IDLE__CLOSE__AFTER", "PT1H");
        builder.redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile());
        ChildProcessGuard child = ChildProcessGuard.killOnExit(builder.start());
        children.add(child);
        return child;
    }

    private void awaitRecords(String topic, int records) {
        kafka.awaitCommitted(topic, records, TIMEOUT);
    }

    /** Waits until {@code requests} were priced or rejected; all of them must have been priced. */
    private void awaitPriced(int requests, String pipeline) {
        kafka.awaitCommitted(Topics.PRICED, records -> records.size() + kafka.committed(Topics.REJECTED).size()
                >= requests, TIMEOUT);
        assertThat(rejections(kafka.committed(Topics.REJECTED))).as("rejected while the %s code ran (log in %s)",
                pipeline, work).isEmpty();
        assertThat(kafka.committed(Topics.PRICED)).as("priced by the %s code (log in %s)", pipeline, work)
                .hasSize(requests);
    }

    /** Reason and request id of each rejection. */
    private List<String> rejections(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> rejected = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            RejectedRecord rejection = serdes.avro(RejectedRecord.class).deserializer().deserialize(Topics.REJECTED, record.value());
            RoutedRequest original = serdes.avro(RoutedRequest.class).deserializer()
                    .deserialize(Topics.ROUTED, bytes(rejection.getOriginalValue()));
            rejected.add(rejection.getReason() + " " + original.getRequestId()
                    + ("INVALID_TOKENS".equals(rejection.getReason()) ? "" : " (" + rejection.getDetail() + ")"));
        }
        return rejected;
    }

    private static long fingerprint(byte[] singleObject) {
        return ByteBuffer.wrap(singleObject, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
