package com.fluxrouter.billing.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Record time is when the record was produced. A record without a valid timestamp takes its partition's time
 * instead of failing the stream thread, so it still reaches validation and, if bad, the rejected topic.
 */
public final class ProducedAtExtractor implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.timestamp() >= 0) {
            return record.timestamp();
        }
        return Math.max(0, partitionTime);
    }
}
