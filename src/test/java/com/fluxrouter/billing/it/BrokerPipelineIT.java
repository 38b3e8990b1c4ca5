package com.fluxrouter.billing.it;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.local.Pipeline;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.replay.AvroJson;
import com.fluxrouter.billing.replay.InputFiles;
import com.fluxrouter.billing.replay.TopologyReplay;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline on a real KRaft broker with exactly_once_v2 produces, for the sample traffic in examples/, exactly
 * what the same topology produces on TopologyTestDriver, including the rejected records of the
 * deserialization handler, read back with read_committed.
 */
@WithBroker(partitions = 1)
class BrokerPipelineIT {
    private static final Path EXAMPLES = Path.of("examples");
    private static final Instant NOW = Instant.parse("2026-11-27T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** One partition per topic: replay runs as one partition, so both see one billing clock. */
    private static EmbeddedKafka kafka;
    private static final List<Instant> requestsAppendedAt = new ArrayList<>();
    private static final String SENTINEL_ACCOUNT = "zz-sentinel";
    private static final byte[] SENTINEL_MALFORMED = "sentinel: not a record".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path tmp;

    @Test
    void brokerRunWithExactlyOnceMatchesReplayOfTheSameInput() throws Exception {
        Path expected = tmp.resolve("replay");
        new TopologyReplay(BillingConfig.defaults(), NOW).run(EXAMPLES, expected, false);

        BillingConfig config = BillingConfig.defaults();
        Serdes serdes = new Serdes(config.wireFormat());
        List<ProducerRecord<byte[], byte[]>> catalogAndPlans = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> requests = new ArrayList<>();
        new InputFiles(serdes).send(EXAMPLES, (topic, key, value) -> (topic.equals(Topics.ROUTED) ? requests : catalogAndPlans)
                .add(new ProducerRecord<>(topic, null, NOW.toEpochMilli(), key, value)));

        try (Pipeline pipeline = new Pipeline(liveConfig()).start();
             KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            catalogAndPlans.forEach(producer::send);
            producer.flush();
            // Requests priced before the catalog reached the global stores would be rejected: wait for it.
            pipeline.awaitEntries(CatalogFlow.MODELS_STORE, 6, TIMEOUT);
            pipeline.awaitEntries(CatalogFlow.RATES_STORE, 3, TIMEOUT);
            pipeline.awaitEntries(PlanFlow.PUBLICATIONS_STORE, 3, TIMEOUT);
            // The requests carry CreateTime NOW, two days or more before this run: a LogAppendTime topic replaces
            // it with the broker's clock, which is at or after sentAt.
            Instant sentAt = Instant.now();
            assertThat(NOW).as("the produce timestamp is before the run, so the two stamps differ").isBefore(sentAt);
            requests.forEach(producer::send);
            // Sentinels, sent after the records under test: a valid request of an account of their own (pay as you
            // go, completed no later than the latest example, so it moves no billing clock and closes nothing) is
            // priced and updates its overage; a malformed record is rejected. Their outputs come last.
            producer.send(new ProducerRecord<>(Topics.ROUTED, null, NOW.toEpochMilli(),
                    serdes.string().serializer().serialize(Topics.ROUTED, SENTINEL_ACCOUNT),
                    serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED,
                            sentinelRequest(latestCompletedAt(requests, serdes)))));
            producer.send(new ProducerRecord<>(Topics.ROUTED, null, NOW.toEpochMilli(),
                    serdes.string().serializer().serialize(Topics.ROUTED, SENTINEL_ACCOUNT), SENTINEL_MALFORMED));
            producer.flush();
            // The malformed sentinel is the last input: once its rejection is committed, so is every output of the
            // records before it (outputs commit with their inputs, in input order on one partition).
            kafka.awaitCommitted(Topics.REJECTED, records -> records.stream().anyMatch(record ->
                    isSentinel(serdes.avro(RejectedRecord.class).deserializer().deserialize(Topics.REJECTED,
                            record.value()))), TIMEOUT);

            assertSameRecords(expected, "priced.jsonl", Topics.PRICED, PricedRequest.class, serdes);
            assertSameRecords(expected, "overage.jsonl", Topics.OVERAGE, OverageUpdate.class, serdes);
            assertSameRecords(expected, "alerts.jsonl", Topics.ALERTS, SpendAlert.class, serdes);
            assertSameRecords(expected, "invoice-lines.jsonl", Topics.INVOICE_LINES, InvoiceLine.class, serdes);
            List<String> rejected = assertSameRecords(expected, "rejected.jsonl", Topics.REJECTED, RejectedRecord.class, serdes);
            assertThat(rejected).anyMatch(line -> line.contains("\"reason\":\"MALFORMED\""));
            assertThat(requestsAppendedAt).as("rejected records' source timestamps are the broker's append time")
                    .isNotEmpty().allSatisfy(at -> assertThat(at).isAfterOrEqualTo(sentAt.truncatedTo(ChronoUnit.MILLIS)));
        }
    }

    @Test
    void requestsTopicStampsLogAppendTime() throws Exception {
        ConfigResource routed = new ConfigResource(ConfigResource.Type.TOPIC, Topics.ROUTED);
        Config config = kafka.admin().describeConfigs(List.of(routed)).all().get().get(routed);
        assertThat(config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value()).isEqualTo("LogAppendTime");
    }

    private static RoutedRequest sentinelRequest(Instant completedAt) {
        return RoutedRequest.newBuilder().setRequestId("sentinel").setAccountId(SENTINEL_ACCOUNT)
                .setRequestedModel("flux-auto").setServedModel("flux-express-small").setLane(null)
                .setInputTokens(1_000).setOutputTokens(0).setCompletedAt(completedAt).setQuotedCostUsd(null).build();
    }

    private static Instant latestCompletedAt(List<ProducerRecord<byte[], byte[]>> requests, Serdes serdes) {
        Instant latest = Instant.EPOCH;
        for (ProducerRecord<byte[], byte[]> record : requests) {
            try {
                Instant at = serdes.avro(RoutedRequest.class).deserializer().deserialize(Topics.ROUTED, record.value())
                        .getCompletedAt();
                latest = at.isAfter(latest) && at.isBefore(NOW) ? at : latest;
            } catch (RuntimeException malformedExample) {
                // the examples hold malformed records on purpose
            }
        }
        return latest;
    }

    /** The sentinel's output on a topic: its priced request, its overage update, its rejection. */
    private static boolean isSentinel(Object value) {
        if (value instanceof RejectedRecord rejected) {
            return rejected.getOriginalValue() != null
                    && rejected.getOriginalValue().equals(java.nio.ByteBuffer.wrap(SENTINEL_MALFORMED));
        }
        if (value instanceof PricedRequest priced) {
            return priced.getAccountId().equals(SENTINEL_ACCOUNT);
        }
        return value instanceof OverageUpdate update && update.getAccountId().equals(SENTINEL_ACCOUNT);
    }

    private static BillingConfig liveConfig() throws Exception {
        return BillingConfig.of(Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, "flux-billing-it-equivalence",
                StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(tmp, "state").toString(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100"));
    }

    /**
     * Compares the topic's committed records, as JSON, with replay's file, as multisets; returns the records. Where
     * a sentinel has output on the topic, it is there once and last, and nothing else follows it.
     */
    private static <T extends SpecificRecord> List<String> assertSameRecords(Path replayDir, String file, String topic,
                                                                          Class<T> type, Serdes serdes) throws Exception {
        List<String> expected = Files.readAllLines(replayDir.resolve(file));
        AvroJson json = new AvroJson();
        List<String> actual = new ArrayList<>();
        List<T> values = kafka.committed(topic).stream()
                .map(record -> serdes.avro(type).deserializer().deserialize(topic, record.value())).toList();
        // No sentinel can reach alerts or invoice lines without closing a month or firing an alert the replay lacks.
        if (!topic.equals(Topics.ALERTS) && !topic.equals(Topics.INVOICE_LINES)) {
            assertThat(values).as("%s: the sentinel's output, once and last", topic).isNotEmpty()
                    .filteredOn(BrokerPipelineIT::isSentinel).containsExactly(values.get(values.size() - 1));
            values = values.subList(0, values.size() - 1);
        }
        for (T value : values) {
            if (value instanceof RejectedRecord rejected) {
                // flux.requests.routed stamps records with the broker's append time; replay produced them at NOW.
                requestsAppendedAt.add(rejected.getSourceTimestamp());
                rejected.setSourceTimestamp(NOW);
            }
            actual.add(json.write(value));
        }
        assertThat(actual).as(topic).containsExactlyInAnyOrderElementsOf(expected);
        return actual;
    }
}
