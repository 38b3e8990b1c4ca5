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
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
class BrokerPipelineIT {
    private static final Path EXAMPLES = Path.of("examples");
    private static final Instant NOW = Instant.parse("2026-11-27T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static EmbeddedKafka kafka;
    private static final List<Instant> requestsAppendedAt = new ArrayList<>();

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start();
        // One partition per topic: replay runs as one partition, so both see one billing clock.
        kafka.createPipelineTopics(1);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

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
            pipeline.awaitEntries(PlanFlow.STORE, 3, TIMEOUT);
            // The requests carry CreateTime NOW, two days or more before this run: a LogAppendTime topic replaces
            // it with the broker's clock, which is at or after sentAt.
            Instant sentAt = Instant.now();
            assertThat(NOW).as("the produce timestamp is before the run, so the two stamps differ").isBefore(sentAt);
            requests.forEach(producer::send);
            producer.flush();

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
        try (Admin admin = Admin.create(kafka.clientSettings(Map.of()))) {
            ConfigResource routed = new ConfigResource(ConfigResource.Type.TOPIC, Topics.ROUTED);
            Config config = admin.describeConfigs(List.of(routed)).all().get().get(routed);
            assertThat(config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value()).isEqualTo("LogAppendTime");
        }
    }

    private static BillingConfig liveConfig() throws Exception {
        return BillingConfig.of(Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, "flux-billing-it-equivalence",
                StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(tmp, "state").toString(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100"));
    }

    /** Compares the topic's committed records, as JSON, with replay's file, as multisets; returns the records. */
    private static <T extends SpecificRecord> List<String> assertSameRecords(Path replayDir, String file, String topic,
                                                                          Class<T> type, Serdes serdes) throws Exception {
        List<String> expected = Files.readAllLines(replayDir.resolve(file));
        AvroJson json = new AvroJson();
        List<String> actual = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.readCommitted(topic, expected.size(), TIMEOUT)) {
            T value = serdes.avro(type).deserializer().deserialize(topic, record.value());
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
