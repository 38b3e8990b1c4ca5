package com.fluxrouter.billing.catalog;

import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The global store {@value CatalogFlow#RATES_STORE}'s processor: keeps each validated rate version with its record
 * timestamp, as the global table it replaces did (a tombstone deletes the version; a record without a key is
 * skipped, as Kafka Streams' table source skips it), and tells {@link RateVersions} after every change. Kafka Streams
 * also runs it when it rebuilds the store from the topic, so it must not fail and forwards nothing.
 */
final class RatesUpdate implements Processor<LaneRateKey, LaneRate, Void, Void> {
    private final RateVersions versions;
    private TimestampedKeyValueStore<LaneRateKey, LaneRate> store;

    RatesUpdate(RateVersions versions) {
        this.versions = versions;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(CatalogFlow.RATES_STORE);
        // The store may have been filled (restored) before this processor started: what readers decoded is stale.
        versions.changed();
    }

    @Override
    public void process(Record<LaneRateKey, LaneRate> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
        }
        versions.changed();
    }
}
