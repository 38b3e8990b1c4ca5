package com.fluxrouter.billing.catalog;

import com.fluxrouter.billing.schema.ModelLane;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The global store {@value CatalogFlow#MODELS_STORE}'s processor: keeps each validated model entry with its record
 * timestamp, as the global table it replaces did (a tombstone deletes the entry; a record without a key is skipped, as
 * Kafka Streams' table source skips it), and tells {@link ModelLanes} after every change. Kafka Streams also runs it
 * when it rebuilds the store from the topic, so it must not fail and forwards nothing.
 */
final class ModelsUpdate implements Processor<String, ModelLane, Void, Void> {
    private final ModelLanes lanes;
    private TimestampedKeyValueStore<String, ModelLane> store;

    ModelsUpdate(ModelLanes lanes) {
        this.lanes = lanes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(CatalogFlow.MODELS_STORE);
        // The store may have been filled (restored) before this processor started: what readers remember is stale.
        lanes.changed();
    }

    @Override
    public void process(Record<String, ModelLane> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
        }
        lanes.changed();
    }
}
