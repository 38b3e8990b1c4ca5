package com.fluxrouter.billing.replay;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.hostile.HostileCorpus;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.BillingTopology;
import com.fluxrouter.billing.topology.StreamsSettings;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile-input corpus through replay's engine, and through the production topology on TopologyTestDriver:
 * every bad record rejected with its reason and original bytes, every valid one priced, months closed only by
 * accepted traffic ({@link HostileCorpus#assertHandled}); and both write the same records.
 */
class HostileCorpusReplayTest {
    private static final List<String> FILES =
            List.of("priced.jsonl", "overage.jsonl", "alerts.jsonl", "invoice-lines.jsonl", "rejected.jsonl");

    @TempDir
    Path tmp;

    private final BillingConfig config = BillingConfig.defaults()
            .with(BillingConfig.STATE_STORES, "in_memory").with(BillingConfig.STATE_CHANGELOGS, "false");
    private final Serdes serdes = new Serdes(config.wireFormat());
    private final HostileCorpus corpus = new HostileCorpus(serdes);
    private final AvroJson json = new AvroJson();

    @Test
    void replayRejectsEveryHostileRecordWithItsReasonAndPricesEveryValidOne() throws IOException {
        Path out = runEngine();

        corpus.assertHandled(read(out, "rejected.jsonl", RejectedRecord.class), read(out, "priced.jsonl", PricedRequest.class),
                read(out, "overage.jsonl", OverageUpdate.class), read(out, "invoice-lines.jsonl", InvoiceLine.class));
    }

    @Test
    void topologyRejectsEveryHostileRecordWithItsReasonAndWritesWhatReplayWrites() throws IOException {
        Path engine = runEngine();
        Path topology = runTopology();

        corpus.assertHandled(read(topology, "rejected.jsonl", RejectedRecord.class),
                read(topology, "priced.jsonl", PricedRequest.class), read(topology, "overage.jsonl", OverageUpdate.class),
                read(topology, "invoice-lines.jsonl", InvoiceLine.class));
        for (String file : FILES) {
            assertThat(Files.readString(topology.resolve(file))).as(file).isEqualTo(Files.readString(engine.resolve(file)));
        }
    }

    private Path runEngine() throws IOException {
        Path out = tmp.resolve("engine");
        try (JsonSinks sinks = new JsonSinks(out)) {
            ReplayEngine engine = new ReplayEngine(config, HostileCorpus.PRODUCED_AT, sinks,
                    Files.createDirectories(tmp.resolve("engine-state")));
            for (HostileCorpus.Send send : sends()) {
                engine.accept(send.topic(), send.key(), send.value());
            }
        }
        return out;
    }

    private Path runTopology() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("topology"));
        Properties properties = new Properties();
        properties.putAll(StreamsSettings.of(config));
        properties.putAll(StreamsSettings.forTestDriver());
        properties.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(tmp.resolve("topology-state")).toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(BillingTopology.build(config), properties,
                HostileCorpus.PRODUCED_AT)) {
            Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
            for (HostileCorpus.Send send : sends()) {
                inputs.computeIfAbsent(send.topic(), topic -> driver.createInputTopic(topic, new ByteArraySerializer(),
                        new ByteArraySerializer())).pipeInput(send.key(), send.value(), HostileCorpus.PRODUCED_AT);
            }
            write(driver, out, Topics.PRICED, "priced.jsonl", PricedRequest.class);
            write(driver, out, Topics.OVERAGE, "overage.jsonl", OverageUpdate.class);
            write(driver, out, Topics.ALERTS, "alerts.jsonl", com.fluxrouter.billing.schema.SpendAlert.class);
            write(driver, out, Topics.INVOICE_LINES, "invoice-lines.jsonl", InvoiceLine.class);
            write(driver, out, Topics.REJECTED, "rejected.jsonl", RejectedRecord.class);
        }
        return out;
    }

    private List<HostileCorpus.Send> sends() {
        List<HostileCorpus.Send> sends = new ArrayList<>(corpus.catalogAndPlans());
        sends.addAll(corpus.requests());
        return sends;
    }

    private <T extends SpecificRecord> void write(TopologyTestDriver driver, Path out, String topic, String file,
                                                  Class<T> type) throws IOException {
        List<String> lines = new ArrayList<>();
        driver.createOutputTopic(topic, new ByteArrayDeserializer(), serdes.avro(type).deserializer())
                .readValuesToList().forEach(record -> lines.add(json.write(record)));
        Files.write(out.resolve(file), lines);
    }

    private <T extends SpecificRecord> List<T> read(Path dir, String file, Class<T> type) throws IOException {
        List<T> records = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(file))) {
            records.add(json.read(line, type));
        }
        return records;
    }
}
