package com.fluxrouter.billing.it;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.local.Pipeline;
import com.fluxrouter.billing.metering.MeteringFlow;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 4a on a real broker with exactly_once_v2 and 4 request partitions: requests produced with a partitioner that
 * is not murmur2 (CRC32 of the key, as librdkafka's default {@code consistent_random} does for keyed records), then
 * the same request ids again through the Java default partitioner. Routed (default): every request billed once,
 * under its plan, in one ledger per account-month. Rejected ({@code flux.intake.misrouted=reject}): every
 * misrouted one rejected WRONG_PARTITION, none of them priced. Absence is proved with sentinels on every partition.
 */
@WithBroker(partitions = MisroutedProducerIT.PARTITIONS, lifecycle = WithBroker.Lifecycle.PER_TEST)
class MisroutedProducerIT {
    static final int PARTITIONS = 4;
    private static final int REQUESTS_PER_ACCOUNT = 8;
    private static final long TOKENS = 500_000; // Express, $1 per 1M input tokens: $0.50 each
    private static final BigDecimal COST = new BigDecimal("0.5");
    private static final BigDecimal CREDIT = new BigDecimal("1");
    private static final BigDecimal CEILING = new BigDecimal("3");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> ACCOUNTS = List.of("acme", "globex", "initech", "umbrella", "hooli", "stark",
            "wayne", "tyrell");

    @TempDir
    Path tmp;

    /** A broker per test: each reads its output topics whole. */
    private EmbeddedKafka kafka;
    private final Serdes serdes = new Serdes(BillingConfig.defaults().wireFormat());
    /** Two minutes ago, read once: the sentinels' completion, and the month every request completes in. */
    private final Instant completedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(2));
    private final YearMonth month = YearMonth.from(completedAt.atZone(ZoneOffset.UTC));

    /** librdkafka's consistent partitioner for a keyed record: CRC32 of the key bytes modulo the partition count. */
    public static final class Crc32Partitioner implements Partitioner {
        static int partitionOf(byte[] key, int partitions) {
            CRC32 crc = new CRC32();
            crc.update(key);
            return (int) (crc.getValue() % partitions);
        }

        @Override
        public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
            return partitionOf(keyBytes, cluster.partitionCountForTopic(topic));
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }

    @Test
    void misroutedRequestsAreBilledOnceUnderTheirPlanInOneLedgerPerAccountMonth() throws Exception {
        assertThat(ACCOUNTS.stream().filter(MisroutedProducerIT::crcDisagrees).count())
                .as("accounts the CRC32 partitioner misroutes").isGreaterThanOrEqualTo(4);
        try (Pipeline pipeline = new Pipeline(config("flux-billing-it-misrouted", "route")).start()) {
            seed(pipeline);
            List<RoutedRequest> requests = requests();
            try (KafkaProducer<byte[], byte[]> crc = crcProducer(); KafkaProducer<byte[], byte[]> java = kafka.producer()) {
                requests.forEach(request -> crc.send(record(request, null)));
                crc.flush();
                requests.forEach(request -> java.send(record(request, null)));
                java.flush();
            }
            List<RoutedRequest> sentinels = sendSentinels(true);

            List<PricedRequest> pricedRequests = readUntilSentinels(Topics.PRICED, sentinels).stream()
                    .map(record -> serdes.avro(PricedRequest.class).deserializer().deserialize(Topics.PRICED, record.value()))
                    .toList();
            Map<String, Long> pricedById = pricedRequests.stream()
                    .collect(Collectors.groupingBy(p -> p.getAccountId() + "/" + p.getRequestId(), Collectors.counting()));
            assertThat(pricedRequests).extracting(PricedRequest::getCostUsd).allSatisfy(
                    cost -> assertThat(cost).isEqualByComparingTo(COST));
            Set<String> expectedIds = new HashSet<>();
            requests.forEach(r -> expectedIds.add(r.getAccountId() + "/" + r.getRequestId()));
            sentinels.forEach(r -> expectedIds.add(r.getAccountId() + "/" + r.getRequestId()));
            assertThat(pricedById.keySet()).isEqualTo(expectedIds);
            assertThat(pricedById.values()).as("each request priced once").containsOnly(1L);
            assertThat(kafka.committed(Topics.REJECTED)).as("rejected").isEmpty();

            // Under the plan: credit $1, ceiling $3, overage = min(usage, ceiling) - credit, from one ledger.
            BigDecimal usage = COST.multiply(BigDecimal.valueOf(REQUESTS_PER_ACCOUNT));
            BigDecimal overage = usage.min(CEILING).subtract(CREDIT).max(BigDecimal.ZERO);
            Map<String, List<OverageUpdate>> updates = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : kafka.committed(Topics.OVERAGE)) {
                OverageUpdate update = serdes.avro(OverageUpdate.class).deserializer().deserialize(Topics.OVERAGE, record.value());
                updates.computeIfAbsent(update.getAccountId(), a -> new ArrayList<>()).add(update);
            }
            for (String account : ACCOUNTS) {
                List<OverageUpdate> of = updates.get(account);
                assertThat(of).as(account).isNotEmpty();
                assertThat(of).as(account + ": every update under the plan").allSatisfy(update -> {
                    assertThat(update.getIncludedCreditUsd()).isEqualByComparingTo(CREDIT);
                    assertThat(update.getSpendCeilingUsd()).isEqualByComparingTo(CEILING);
                    assertThat(update.getBillingMonth()).isEqualTo(month.toString());
                });
                OverageUpdate last = of.get(of.size() - 1);
                // Updates come only when the overage changes (rule 8): the last is where the ceiling capped it.
                assertThat(last.getUsageUsd()).as(account + " usage").isEqualByComparingTo(usage.min(CEILING));
                assertThat(last.getOverageUsd()).as(account + " overage").isEqualByComparingTo(overage);
            }
            assertThat(ledgerKeys(pipeline)).as("one ledger per account-month")
                    .containsAll(ACCOUNTS.stream().map(a -> MeteringFlow.ledgerKey(a, month.toString())).toList())
                    .doesNotHaveDuplicates();

            long misrouted = ACCOUNTS.stream().filter(MisroutedProducerIT::crcDisagrees).count() * REQUESTS_PER_ACCOUNT
                    + PARTITIONS * (PARTITIONS - 1);
            assertThat(misroutedTotal(pipeline)).isEqualTo((double) misrouted);
            String topic = "flux-billing-it-misrouted-requests-misrouted-repartition";
            assertThat(kafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
                    .as("repartition topic partitions").hasSize(PARTITIONS);
        }
    }

    @Test
    void rejectModeRejectsEveryMisroutedRequestAndPricesNoneOfThem() throws Exception {
        try (Pipeline pipeline = new Pipeline(config("flux-billing-it-misrouted-reject", "reject")).start()) {
            seed(pipeline);
            List<RoutedRequest> requests = requests();
            try (KafkaProducer<byte[], byte[]> crc = crcProducer()) {
                requests.forEach(request -> crc.send(record(request, null)));
                crc.flush();
            }
            List<RoutedRequest> sentinels = sendSentinels(false);

            Set<String> priced = readUntilSentinels(Topics.PRICED, sentinels).stream()
                    .map(record -> serdes.avro(PricedRequest.class).deserializer().deserialize(Topics.PRICED, record.value()))
                    .map(PricedRequest::getRequestId).collect(Collectors.toSet());
            Set<String> misroutedIds = requests.stream().filter(r -> crcDisagrees(r.getAccountId()))
                    .map(RoutedRequest::getRequestId).collect(Collectors.toSet());
            Set<String> expectedPriced = new HashSet<>();
            requests.stream().filter(r -> !crcDisagrees(r.getAccountId())).forEach(r -> expectedPriced.add(r.getRequestId()));
            sentinels.forEach(r -> expectedPriced.add(r.getRequestId()));
            assertThat(priced).isEqualTo(expectedPriced);

            List<RejectedRecord> rejected = kafka.committed(Topics.REJECTED).stream()
                    .map(record -> serdes.avro(RejectedRecord.class).deserializer().deserialize(Topics.REJECTED, record.value()))
                    .toList();
            assertThat(rejected).extracting(RejectedRecord::getReason).containsOnly("WRONG_PARTITION");
            assertThat(rejected).extracting(rejection -> serdes.avro(RoutedRequest.class).deserializer()
                            .deserialize(Topics.ROUTED, com.fluxrouter.billing.errors.Rejections.bytes(rejection.getOriginalValue()))
                            .getRequestId())
                    .containsExactlyInAnyOrderElementsOf(misroutedIds);
        }
    }

    // ---- helpers

    private BillingConfig config(String applicationId, String policy) throws Exception {
        return BillingConfig.of(Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, applicationId,
                StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(tmp, "state").toString(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100",
                BillingConfig.INTAKE_MISROUTED, policy));
    }

    private static boolean crcDisagrees(String account) {
        byte[] key = account.getBytes(StandardCharsets.UTF_8);
        return Crc32Partitioner.partitionOf(key, PARTITIONS) != BuiltInPartitioner.partitionForKey(key, PARTITIONS);
    }

    /** The published catalog and a Team plan (credit $1, ceiling $3) for every account and sentinel account. */
    private void seed(Pipeline pipeline) throws Exception {
        List<String> planned = new ArrayList<>(ACCOUNTS);
        for (int home = 0; home < PARTITIONS; home++) {
            planned.add(Sentinels.account(home, PARTITIONS));
        }
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            for (ModelLane model : PublishedPriceList.models()) {
                producer.send(new ProducerRecord<>(Topics.MODELS, serdes.string().serializer().serialize(Topics.MODELS,
                        model.getModelId()), serdes.avro(ModelLane.class).serializer().serialize(Topics.MODELS, model)));
            }
            for (LaneRate rate : PublishedPriceList.rates()) {
                producer.send(new ProducerRecord<>(Topics.RATES, serdes.avro(LaneRateKey.class).serializer().serialize(
                        Topics.RATES, new LaneRateKey(rate.getLane(), rate.getEffectiveFrom())),
                        serdes.avro(LaneRate.class).serializer().serialize(Topics.RATES, rate)));
            }
            Instant from = Instant.parse("2020-01-01T00:00:00Z");
            for (String account : planned) {
                AccountPlan plan = new AccountPlan(account, "Team", CREDIT.setScale(9), CEILING.setScale(9), null, from);
                producer.send(new ProducerRecord<>(Topics.PLANS, serdes.avro(AccountPlanKey.class).serializer().serialize(
                        Topics.PLANS, new AccountPlanKey(account, from)),
                        serdes.avro(AccountPlan.class).serializer().serialize(Topics.PLANS, plan)));
            }
            producer.flush();
        }
        pipeline.awaitEntries(CatalogFlow.MODELS_STORE, PublishedPriceList.models().size(), TIMEOUT);
        pipeline.awaitEntries(CatalogFlow.RATES_STORE, PublishedPriceList.rates().size(), TIMEOUT);
        pipeline.awaitEntries(PlanFlow.STORE, planned.size(), TIMEOUT);
    }

    /**
     * Each account's requests, a second apart, all in {@link #month}: the last at {@link #completedAt}, or the first
     * at the month's start when completedAt is fewer seconds into it (still in the past). Counted on from completedAt,
     * they crossed into the next month when it was a few seconds before a month's end, and each account's usage
     * split over two ledgers.
     */
    private List<RoutedRequest> requests() {
        Instant monthStart = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant first = completedAt.minusSeconds(REQUESTS_PER_ACCOUNT - 1);
        first = first.isBefore(monthStart) ? monthStart : first;
        List<RoutedRequest> requests = new ArrayList<>();
        for (String account : ACCOUNTS) {
            for (int n = 0; n < REQUESTS_PER_ACCOUNT; n++) {
                requests.add(request(account, "req-" + account + "-" + n, first.plusSeconds(n)));
            }
        }
        return requests;
    }

    private static RoutedRequest request(String account, String id, Instant at) {
        String model = PublishedPriceList.models().stream().filter(m -> m.getLane().equals("EXPRESS"))
                .findFirst().orElseThrow().getModelId();
        return RoutedRequest.newBuilder().setRequestId(id).setAccountId(account).setRequestedModel("flux-auto")
                .setServedModel(model).setLane(null).setInputTokens(TOKENS).setOutputTokens(0).setCompletedAt(at)
                .setQuotedCostUsd(null).build();
    }

    private ProducerRecord<byte[], byte[]> record(RoutedRequest request, Integer partition) {
        return new ProducerRecord<>(Topics.ROUTED, partition, request.getAccountId().getBytes(StandardCharsets.UTF_8),
                serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request));
    }

    private KafkaProducer<byte[], byte[]> crcProducer() {
        return new KafkaProducer<>(kafka.clientSettings(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.PARTITIONER_CLASS_CONFIG, Crc32Partitioner.class.getName())),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * After everything else, on every input partition: a request of each partition's sentinel account, so that each
     * input partition and (when {@code misrouted}) each partition of the repartition topic, from each input
     * partition, carries a last record. Once every sentinel is priced, everything sent before has been processed.
     */
    private List<RoutedRequest> sendSentinels(boolean misrouted) {
        List<RoutedRequest> sentinels = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            for (int input = 0; input < PARTITIONS; input++) {
                for (int home = 0; home < PARTITIONS; home++) {
                    if (home != input && !misrouted) {
                        continue;
                    }
                    RoutedRequest sentinel = request(Sentinels.account(home, PARTITIONS), "sentinel-" + input + "-" + home, completedAt);
                    sentinels.add(sentinel);
                    producer.send(record(sentinel, input));
                }
            }
            producer.flush();
        }
        return sentinels;
    }

    /**
     * The topic's committed records once every sentinel is among them: everything sent before the sentinels is
     * committed then (outputs commit with their inputs, in each partition's order).
     */
    private List<ConsumerRecord<byte[], byte[]>> readUntilSentinels(String topic, List<RoutedRequest> sentinels) {
        Set<String> wanted = sentinels.stream().map(RoutedRequest::getRequestId).collect(Collectors.toSet());
        kafka.awaitCommitted(topic, records -> records.stream().map(record -> serdes.avro(PricedRequest.class)
                .deserializer().deserialize(topic, record.value()).getRequestId()).toList().containsAll(wanted), TIMEOUT);
        return kafka.committed(topic);
    }

    private static List<String> ledgerKeys(Pipeline pipeline) {
        ReadOnlyKeyValueStore<String, Object> months = pipeline.streams().store(StoreQueryParameters.fromNameAndType(
                MeteringFlow.MONTHS_STORE, QueryableStoreTypes.keyValueStore()));
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Object> all = months.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    private static double misroutedTotal(Pipeline pipeline) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> entry : pipeline.streams().metrics().entrySet()) {
            if (entry.getKey().name().equals("misrouted-total") && entry.getKey().group().contains("flux-billing")) {
                total += ((Number) entry.getValue().metricValue()).doubleValue();
            }
        }
        return total;
    }
}
