package com.fluxrouter.billing.catalog;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * A catalog global store's processor ({@value CatalogFlow#MODELS_STORE}, {@value CatalogFlow#RATES_STORE}): keeps
 * each validated entry with its record timestamp, as the global table it replaces did (a tombstone deletes the entry;
 * a record without a key is skipped, as Kafka Streams' table source skips it), and tells its reader
 * ({@link ModelLanes}, {@link RateVersions}) after every change. Kafka Streams also runs it when it rebuilds the store
 * from the topic, so it must not fail and forwards nothing.
 *
 * @param <K> the store's key type
 * @param <V> the store's value type
 */
final class CatalogStoreUpdate<K, V> implements Processor<K, V, Void, Void> {
    private final String storeName;
    private final Runnable changed;
    private TimestampedKeyValueStore<K, V> store;

    /**
     * @param storeName the global store it keeps
     * @param changed   told after each change, and when the processor starts on a (re)built store
     */
    CatalogStoreUpdate(String storeName, Runnable changed) {
        this.storeName = storeName;
        this.changed = changed;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        // A safeguard: the store may hold entries its reader has not been told of.
        changed.run();
    }

    @Override
    public void process(Record<K, V> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
        }
        changed.run();
    }
}
