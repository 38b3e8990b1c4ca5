package com.fluxrouter.billing.bench;

import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes.ByteArraySerde;
import org.apache.kafka.common.serialization.Serdes.LongSerde;
import org.apache.kafka.common.serialization.Serdes.StringSerde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Issue 14's "dedup floor": the least any exactly-once pipeline that deduplicates requests must do, measured as a
 * baseline next to the pass-through. Per input record: its value decoded to find the request id, one get and one put
 * on one persistent (RocksDB) store keyed by request id with its changelog and no record cache, and the input record
 * written unchanged to one output topic. Nothing else: no validation, pricing, ledger or index.
 */
final class DedupFloor {
    static final String STORE = "dedup-floor-ids";
    static final String OUTPUT = "bench.dedupfloor.out";

    private DedupFloor() {
    }

    /**
     * @param requests decodes a {@code flux.requests.routed} value (the bench's wire format) to read its request id
     * @return source {@code flux.requests.routed} (bytes) -> dedup -> sink {@value #OUTPUT} (the same bytes)
     */
    static Topology topology(Deserializer<RoutedRequest> requests) {
        StreamsBuilder builder = new StreamsBuilder();
        // Logged (a changelog topic per partition) and uncached, as the pipeline's own request-id store is.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), new StringSerde(),
                new LongSerde()));
        builder.stream(Topics.ROUTED, Consumed.with(new ByteArraySerde(), new ByteArraySerde()).withName("dedup-floor-source"))
                .process(() -> new Dedup(requests), Named.as("dedup-floor"), STORE)
                .to(OUTPUT, Produced.with(new ByteArraySerde(), new ByteArraySerde()).withName("dedup-floor-sink"));
        return builder.build();
    }

    /**
     * Forwards a request the first time its id is seen (remembering the id with the record's timestamp) and drops a
     * repeat. The bench's requests all have distinct ids, so every input is one get, one put and one output.
     */
    private static final class Dedup implements Processor<byte[], byte[], byte[], byte[]> {
        private final Deserializer<RoutedRequest> requests;
        private ProcessorContext<byte[], byte[]> context;
        private KeyValueStore<String, Long> ids;

        Dedup(Deserializer<RoutedRequest> requests) {
            this.requests = requests;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.ids = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            String id = requests.deserialize(Topics.ROUTED, record.value()).getRequestId();
            if (ids.get(id) != null) {
                return;
            }
            ids.put(id, record.timestamp());
            context.forward(record);
        }
    }
}
