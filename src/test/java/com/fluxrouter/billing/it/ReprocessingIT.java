package com.fluxrouter.billing.it;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.cli.FluxBilling;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.local.Service;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.replay.AvroJson;
import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.state.PlanPublications;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rule 6, production order, on a real broker: plans published, a first half-month of requests, then upgrades,
 * downgrades and zone changes published (some in force from before requests already metered), then the rest of
 * October and November up to the 20th, so October closes. Every invoice line, alert, overage update and priced
 * request is recorded; {@code reset}; the second run over the same topics must give the very same outputs, per
 * account-month in order; and so must a new deployment's first start over the same topics, once its copy of the
 * valid plans is empty. Before the fix the second run metered requests under versions published after them (or
 * before the plans had come through), so alerts, months' zones and invoices differed.
 */
@WithBroker(partitions = ReprocessingIT.PARTITIONS)
class ReprocessingIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String APPLICATION_ID = "flux-billing-it-reprocessing";
    static final int PARTITIONS = 2;
    private static final int ACCOUNTS = 50;
    private static final String LOS_ANGELES = "America/Los_Angeles";
    private static final String TOKYO = "Asia/Tokyo";
    /** Credit and ceiling of every account's first version, in USD. */
    private static final BigDecimal CREDIT = new BigDecimal("3");
    private static final BigDecimal CEILING = new BigDecimal("4");
    /** When the first half of October's requests ends and the plan changes are published. */
    private static final Instant CHANGES_PUBLISHED = Instant.parse("2026-10-15T12:00:00Z");
    private static final Instant LAST_REQUEST = Instant.parse("2026-11-20T00:00:00Z");

    private final Serdes serdes = new Serdes(WireFormat.SINGLE_OBJECT);

    @TempDir
    Path tmp;

    @Test
    void aResetRerunBillsExactlyLikeTheFirstRunWhenPlansChangedBetweenRequests(EmbeddedKafka kafka) throws Exception {
        List<AccountPlan> initial = initialPlans();
        List<AccountPlan> changes = planChanges();
        List<RoutedRequest> firstHalf = requests(Instant.parse("2026-10-01T00:00:00Z"), CHANGES_PUBLISHED, 8);
        List<RoutedRequest> rest = requests(CHANGES_PUBLISHED, LAST_REQUEST, 18);
        int requestCount = firstHalf.size() + rest.size();

        Map<String, String> settings = Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID,
                StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("state").toString(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100",
                // Months close by event time only: no wall-clock close while the test runs.
                BillingConfig.IDLE_CLOSE_AFTER, "PT1H",
                Service.HTTP_PORT, "0");

        Outputs first;
        try (Service service = Service.start(settings); KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            publishCatalog(producer);
            initial.forEach(plan -> publish(producer, plan));
            producer.flush();
            service.pipeline().awaitEntries(CatalogFlow.MODELS_STORE, PublishedPriceList.models().size(), TIMEOUT);
            service.pipeline().awaitEntries(CatalogFlow.RATES_STORE, PublishedPriceList.rates().size(), TIMEOUT);
            awaitPublications(service, initial.size());

            firstHalf.forEach(request -> send(producer, request));
            producer.flush();
            awaitPriced(kafka, firstHalf.size());

            // As in production: the changes come after requests they would have changed had they been there.
            changes.forEach(plan -> publish(producer, plan));
            producer.flush();
            awaitPublications(service, initial.size() + changes.size());

            rest.forEach(request -> send(producer, request));
            awaitSentinels(kafka, producer, "first run");
            first = Outputs.read(kafka, serdes, Map.of());
        }
        assertThat(first.priced.values().stream().mapToInt(List::size).sum()).isEqualTo(requestCount);
        assertEveryOctoberClosed(first);
        assertAlertsFiredUnderTheCreditInForceBeforeTheUpgrade(first);

        Path config = tmp.resolve("reset.properties");
        Files.writeString(config, "application.id=" + APPLICATION_ID + "\nstate.dir=" + tmp.resolve("state") + "\n");
        assertThat(new CommandLine(new FluxBilling()).execute("reset", "--bootstrap-servers",
                kafka.bootstrapServers(), "--config", config.toString())).isZero();

        Outputs second;
        try (Service ignored = Service.start(settings); KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            awaitSentinels(kafka, producer, "re-run");
            second = Outputs.read(kafka, serdes, first.endOffsets);
        }
        assertSameOutputs("the re-run after reset", second, first);

        // A first start over topics that hold the whole history: a new deployment (a new application.id), whose
        // own copies of the valid catalog and plans do not exist yet, so the start creates and fills them before
        // processing (ValidCopySeed).
        Map<String, String> fresh = new HashMap<>(settings);
        fresh.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID + "-fresh");
        fresh.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("fresh-state").toString());
        try (Service ignored = Service.start(fresh); KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            awaitSentinels(kafka, producer, "fresh start");
            assertSameOutputs("the first start over the history", Outputs.read(kafka, serdes, second.endOffsets), first);
        }
    }

    private static void assertSameOutputs(String run, Outputs actual, Outputs expected) {
        assertThat(actual.priced).as("priced requests of " + run).isEqualTo(expected.priced);
        assertThat(actual.invoiceLines).as("invoice lines of " + run).isEqualTo(expected.invoiceLines);
        assertThat(actual.alerts).as("alerts of " + run).isEqualTo(expected.alerts);
        assertThat(actual.overage).as("overage updates of " + run).isEqualTo(expected.overage);
    }

    // ---- the scenario

    private static String account(int i) {
        return "acct-%02d".formatted(i);
    }

    /** Every account from September: $3 credit, $4 ceiling; a third in Los Angeles time, the rest in UTC. */
    private static List<AccountPlan> initialPlans() {
        List<AccountPlan> plans = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            plans.add(plan(account(i), "Team", CREDIT, CEILING, i % 3 == 0 ? LOS_ANGELES : null, "2026-09-01T00:00:00Z"));
        }
        return plans;
    }

    /**
     * Published mid-October, after the first half of October was metered. By account number modulo 5: 0, an
     * upgrade in force from October 10th (before requests already metered); 1, a downgrade from October 20th; 2, a
     * move to Tokyo time from October 25th; 3, a move to Tokyo time in force since September 15th (the first run
     * opened October in the old zone); 4, no change.
     */
    private static List<AccountPlan> planChanges() {
        List<AccountPlan> plans = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            String zone = i % 3 == 0 ? LOS_ANGELES : null;
            switch (i % 5) {
                case 0 -> plans.add(plan(account(i), "Scale", new BigDecimal("10"), new BigDecimal("20"), zone,
                        "2026-10-10T00:00:00Z"));
                case 1 -> plans.add(plan(account(i), "Starter", new BigDecimal("1"), new BigDecimal("1.5"), zone,
                        "2026-10-20T00:00:00Z"));
                case 2 -> plans.add(plan(account(i), "Team", CREDIT, CEILING, TOKYO, "2026-10-25T00:00:00Z"));
                case 3 -> plans.add(plan(account(i), "Team", CREDIT, CEILING, TOKYO, "2026-09-15T00:00:00Z"));
                default -> {
                }
            }
        }
        return plans;
    }

    private static AccountPlan plan(String account, String name, BigDecimal credit, BigDecimal ceiling, String zone,
                                    String effectiveFrom) {
        return new AccountPlan(account, name, credit, ceiling, zone, Instant.parse(effectiveFrom));
    }

    /**
     * {@code perAccount} Express requests per account spread over [from, until), each costing $0.40 to $0.80, in
     * completed_at order. Some fall in the hours where UTC, Los Angeles and Tokyo disagree on the month.
     */
    private static List<RoutedRequest> requests(Instant from, Instant until, int perAccount) {
        List<RoutedRequest> requests = new ArrayList<>();
        long span = Duration.between(from, until).toMillis();
        for (int i = 0; i < ACCOUNTS; i++) {
            for (int k = 0; k < perAccount; k++) {
                long offset = span * k / perAccount + (i * 7_919_000L) % (span / perAccount);
                long tokens = 400_000L + 50_000L * ((i + k) % 9);
                Instant completed = from.plusMillis(offset);
                requests.add(RoutedRequest.newBuilder()
                        .setRequestId("req-" + account(i) + "-" + completed.toEpochMilli())
                        .setAccountId(account(i))
                        .setRequestedModel("flux-auto")
                        .setServedModel(expressModel())
                        .setLane(null)
                        .setInputTokens(tokens / 2)
                        .setOutputTokens(tokens - tokens / 2)
                        .setCompletedAt(completed)
                        .setQuotedCostUsd(null)
                        .build());
            }
        }
        requests.sort(Comparator.comparing(RoutedRequest::getCompletedAt));
        return requests;
    }

    private static String expressModel() {
        return PublishedPriceList.models().stream().filter(model -> model.getLane().equals("EXPRESS"))
                .findFirst().orElseThrow().getModelId();
    }

    // ---- producing and waiting

    private void publishCatalog(KafkaProducer<byte[], byte[]> producer) {
        for (ModelLane model : PublishedPriceList.models()) {
            producer.send(new ProducerRecord<>(Topics.MODELS, serdes.string().serializer().serialize(Topics.MODELS,
                    model.getModelId()), serdes.avro(ModelLane.class).serializer().serialize(Topics.MODELS, model)));
        }
        for (LaneRate rate : PublishedPriceList.rates()) {
            LaneRateKey key = new LaneRateKey(rate.getLane(), rate.getEffectiveFrom());
            producer.send(new ProducerRecord<>(Topics.RATES, serdes.avro(LaneRateKey.class).serializer()
                    .serialize(Topics.RATES, key), serdes.avro(LaneRate.class).serializer().serialize(Topics.RATES, rate)));
        }
    }

    /** Produced now: the record timestamp is the time the version was published. */
    private void publish(KafkaProducer<byte[], byte[]> producer, AccountPlan plan) {
        AccountPlanKey key = new AccountPlanKey(plan.getAccountId(), plan.getEffectiveFrom());
        producer.send(new ProducerRecord<>(Topics.PLANS, serdes.avro(AccountPlanKey.class).serializer()
                .serialize(Topics.PLANS, key), serdes.avro(AccountPlan.class).serializer().serialize(Topics.PLANS, plan)));
    }

    private void send(KafkaProducer<byte[], byte[]> producer, RoutedRequest request) {
        producer.send(new ProducerRecord<>(Topics.ROUTED, serdes.string().serializer().serialize(Topics.ROUTED,
                request.getAccountId()), serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request)));
    }

    /** Waits until the pipeline's plans hold {@code versions} published versions in all. */
    private static void awaitPublications(Service service, int versions) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreException(InvalidStateStoreException.class)
                .until(() -> {
                    ReadOnlyKeyValueStore<String, PlanPublications> store = service.pipeline().streams().store(
                            StoreQueryParameters.fromNameAndType(PlanFlow.PUBLICATIONS_STORE,
                                    QueryableStoreTypes.keyValueStore()));
                    int seen = 0;
                    try (var all = store.all()) {
                        while (all.hasNext()) {
                            seen += all.next().value.getPublications().size();
                        }
                    }
                    return seen >= versions;
                });
    }

    private static void awaitPriced(EmbeddedKafka kafka, int count) {
        kafka.awaitCommitted(Topics.PRICED, count, TIMEOUT);
    }

    /**
     * Sends, last on every request partition, a sentinel that is not a record (rejected MALFORMED: it bills nothing,
     * and flux.requests.rejected is not among the outputs compared) and waits for every rejection of this run's
     * sentinels: then each partition's outputs of everything sent before are committed.
     */
    private static void awaitSentinels(EmbeddedKafka kafka, KafkaProducer<byte[], byte[]> producer, String run) {
        Set<ByteBuffer> sentinels = new HashSet<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            byte[] sentinel = ("sentinel of the " + run + " on partition " + partition).getBytes(StandardCharsets.UTF_8);
            sentinels.add(ByteBuffer.wrap(sentinel));
            producer.send(new ProducerRecord<>(Topics.ROUTED, partition,
                    Sentinels.account(partition, PARTITIONS).getBytes(StandardCharsets.UTF_8), sentinel));
        }
        producer.flush();
        Serdes serdes = new Serdes(WireFormat.SINGLE_OBJECT);
        kafka.awaitCommitted(Topics.REJECTED, records -> records.stream().map(record -> serdes.avro(RejectedRecord.class)
                .deserializer().deserialize(Topics.REJECTED, record.value()).getOriginalValue())
                .collect(Collectors.toSet()).containsAll(sentinels), TIMEOUT);
    }

    // ---- what the first run must show, from the rules' text

    /** Rule 10: October's original invoice set of every account, whatever its zone, ends with its TOTAL line. */
    private static void assertEveryOctoberClosed(Outputs run) {
        List<String> closedOctobers = run.invoiceLines.entrySet().stream()
                .filter(entry -> entry.getKey().endsWith("/2026-10"))
                .filter(entry -> entry.getValue().stream().anyMatch(line -> line.contains("\"line_type\":\"TOTAL\"")))
                .map(Map.Entry::getKey).toList();
        assertThat(closedOctobers).hasSize(ACCOUNTS);
        assertThat(run.invoiceLines.keySet()).noneMatch(key -> key.endsWith("/2026-11"));
    }

    /**
     * Rule 9 under rule 6: the upgraded accounts spent over $3 before the upgrade was published, so in the first
     * run CREDIT_100 fired at 100 % of the $3 credit then in force, though the month ends on a $10 credit.
     */
    private static void assertAlertsFiredUnderTheCreditInForceBeforeTheUpgrade(Outputs run) {
        String threshold = "\"threshold_usd\":\"" + CREDIT.toPlainString() + "\"";
        for (int i = 0; i < ACCOUNTS; i += 5) {
            assertThat(run.alerts.get(account(i) + "/2026-10")).as(account(i))
                    .anyMatch(alert -> alert.contains("\"alert\":\"CREDIT_100\"") && alert.contains(threshold));
        }
    }

    /** One run's outputs as JSON, per account-month (or per account for priced requests) in topic order. */
    private record Outputs(Map<String, List<String>> priced, Map<String, List<String>> invoiceLines,
                           Map<String, List<String>> alerts, Map<String, List<String>> overage,
                           Map<TopicPartition, Long> endOffsets) {

        /** Reads every committed record after {@code from} (start offsets per partition; absent means the start). */
        static Outputs read(EmbeddedKafka kafka, Serdes serdes, Map<TopicPartition, Long> from) {
            Map<TopicPartition, Long> ends = new HashMap<>(from);
            return new Outputs(
                    byKey(kafka, serdes, Topics.PRICED, PricedRequest.class, ends),
                    byKey(kafka, serdes, Topics.INVOICE_LINES, InvoiceLine.class, ends),
                    byKey(kafka, serdes, Topics.ALERTS, SpendAlert.class, ends),
                    byKey(kafka, serdes, Topics.OVERAGE, OverageUpdate.class, ends),
                    ends);
        }

        /** The topic's committed records after {@code offsets}, which it moves past them. */
        private static <T extends SpecificRecord> Map<String, List<String>> byKey(
                EmbeddedKafka kafka, Serdes serdes, String topic, Class<T> type, Map<TopicPartition, Long> offsets) {
            AvroJson json = new AvroJson();
            Map<String, List<String>> byKey = new TreeMap<>();
            List<ConsumerRecord<byte[], byte[]>> records = kafka.committed(topic, offsets);
            offsets.putAll(CommittedRecords.nextOffsets(records, offsets));
            for (ConsumerRecord<byte[], byte[]> record : records) {
                T value = serdes.avro(type).deserializer().deserialize(topic, record.value());
                String key = topic.equals(Topics.PRICED)
                        ? serdes.string().deserializer().deserialize(topic, record.key())
                        : monthKey(serdes.avro(AccountMonthKey.class).deserializer().deserialize(topic, record.key()));
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(json.write(value));
            }
            return byKey;
        }

        private static String monthKey(AccountMonthKey key) {
            return key.getAccountId() + "/" + key.getBillingMonth();
        }
    }
}
