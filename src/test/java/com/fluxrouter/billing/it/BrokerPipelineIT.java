package com.fluxrouter.billing.it;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.config.BillingConfig;
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
import com.fluxrouter.billing.topology.BillingTopology;
import com.fluxrouter.billing.topology.StreamsSettings;
import com.fluxrouter.billing.topology.TopicSpecs;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

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
        kafka.createTopics(TopicSpecs.all(1, (short) 1));
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

        try (KafkaStreams streams = new KafkaStreams(BillingTopology.build(config), streamsProperties(config));
             KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            streams.start();
            catalogAndPlans.forEach(producer::send);
            producer.flush();
            // Requests priced before the catalog reached the global stores would be rejected: wait for it.
            awaitEntries(streams, CatalogFlow.MODELS_STORE, 6);
            awaitEntries(streams, CatalogFlow.RATES_STORE, 3);
            awaitEntries(streams, PlanFlow.STORE, 3);
            requests.forEach(producer::send);
            producer.flush();

            assertSameRecords(expected, "priced.jsonl", Topics.PRICED, PricedRequest.class, serdes);
            assertSameRecords(expected, "overage.jsonl", Topics.OVERAGE, OverageUpdate.class, serdes);
            assertSameRecords(expected, "alerts.jsonl", Topics.ALERTS, SpendAlert.class, serdes);
            assertSameRecords(expected, "invoice-lines.jsonl", Topics.INVOICE_LINES, InvoiceLine.class, serdes);
            List<String> rejected = assertSameRecords(expected, "rejected.jsonl", Topics.REJECTED, RejectedRecord.class, serdes);
            assertThat(rejected).anyMatch(line -> line.contains("\"reason\":\"MALFORMED\""));
            assertThat(requestsAppendedAt).allSatisfy(at -> assertThat(at).isAfterOrEqualTo(NOW));
        }
    }

    private static Properties streamsProperties(BillingConfig config) throws Exception {
        Properties properties = new Properties();
        properties.putAll(StreamsSettings.of(config));
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "flux-billing-it-equivalence");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(tmp, "state").toString());
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        return properties;
    }

    private static void awaitEntries(KafkaStreams streams, String store, long entries) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        RuntimeException last = null;
        long seen = 0;
        while (System.nanoTime() < deadline) {
            try {
                ReadOnlyKeyValueStore<Object, Object> view = streams.store(
                        StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
                // Counted, not estimated: RocksDB's estimate is rough for a handful of keys.
                seen = 0;
                try (var all = view.all()) {
                    while (all.hasNext()) {
                        all.next();
                        seen++;
                    }
                }
                if (seen >= entries) {
                    return;
                }
            } catch (RuntimeException notReadyYet) {
                last = notReadyYet;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("store " + store + " holds " + seen + " of " + entries + " entries after " + TIMEOUT
                + " (state " + streams.state() + ")", last);
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
