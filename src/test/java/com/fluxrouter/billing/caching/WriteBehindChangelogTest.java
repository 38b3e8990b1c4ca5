package com.fluxrouter.billing.caching;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store with its writes held until the commit, in a Kafka Streams task (TopologyTestDriver commits after every
 * input record): the commit writes each changed key once, with its last value, to the changelog and the store below,
 * and the next record reads it back.
 */
class WriteBehindChangelogTest {
    private static final String STORE = "counts";

    /** For input (key, n): writes n, n + 1 and n + 2 under the key and deletes "gone"; forwards what it read first. */
    private static final class ThreeWrites implements Processor<String, Long, String, Long> {
        private ProcessorContext<String, Long> context;
        private KeyValueStore<String, Long> store;

        @Override
        public void init(ProcessorContext<String, Long> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, Long> record) {
            Long before = store.get(record.key());
            for (long i = 0; i < 3; i++) {
                store.put(record.key(), record.value() + i);
            }
            store.put("gone", 0L);
            store.delete("gone");
            context.forward(record.withValue(before == null ? -1L : before));
        }
    }

    @Test
    void eachCommitWritesEachChangedKeyOnceWithItsLastValueToTheChangelog() {
        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.Long().deserializer(), "input");
        topology.addProcessor("writes", ThreeWrites::new, "in");
        topology.addStateStore(new WriteBehindStoreBuilder<>(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Long()).withLoggingEnabled(Map.of()),
                100), "writes");
        topology.addSink("out", "output", Serdes.String().serializer(), Serdes.Long().serializer(), "writes");
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "held");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);

        try (TopologyTestDriver driver = new TopologyTestDriver(topology, properties)) {
            TestInputTopic<String, Long> input = driver.createInputTopic("input", Serdes.String().serializer(),
                    Serdes.Long().serializer());
            TestOutputTopic<String, Long> changelog = driver.createOutputTopic("held-" + STORE + "-changelog",
                    Serdes.String().deserializer(), Serdes.Long().deserializer());
            TestOutputTopic<String, Long> output = driver.createOutputTopic("output", Serdes.String().deserializer(),
                    Serdes.Long().deserializer());

            input.pipeInput("a", 10L);
            assertThat(changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("a", 12L),
                    KeyValue.pair("gone", null));
            input.pipeInput("a", 20L);
            input.pipeInput("b", 5L);

            assertThat(changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("a", 22L),
                    KeyValue.pair("gone", null), KeyValue.pair("b", 7L), KeyValue.pair("gone", null));
            assertThat(output.readKeyValuesToList()).containsExactly(KeyValue.pair("a", -1L), KeyValue.pair("a", 12L),
                    KeyValue.pair("b", -1L));
            KeyValueStore<String, Long> store = driver.getKeyValueStore(STORE);
            assertThat(store).isInstanceOf(WriteBehindStore.class);
            assertThat(((WriteBehindStore<String, Long>) store).wrapped().get("a")).isEqualTo(22L);
        }
    }
}
