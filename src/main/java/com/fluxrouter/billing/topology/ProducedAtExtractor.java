package com.fluxrouter.billing.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

import java.util.function.LongSupplier;

/**
 * Record time is when the record was produced, but never later than the pipeline's wall clock when it reads the
 * record (rule 4 of docs/billing-rules.md). On a {@code LogAppendTime} topic the broker's clock stamped the record
 * and the cap changes nothing; on a {@code CreateTime} topic a producer with a broken clock can stamp a record
 * 2099, and without the cap that timestamp would judge its own completed_at plausible, be inherited by every
 * output, changelog and repartition record the record causes (refused by a broker that bounds timestamps, which
 * fails the stream thread), and move the task's stream time. A record without a valid timestamp takes its
 * partition's time instead of failing the stream thread, so it still reaches validation and, if bad, the
 * rejected topic.
 *
 * <p>Replay has no Kafka Streams runtime: it caps each record at its {@code --now} itself. TopologyTestDriver's
 * wall clock is a mock this class cannot see, so its runs use {@link AsProduced} (StreamsSettings.forTestDriver).
 */
public final class ProducedAtExtractor implements TimestampExtractor {
    private final LongSupplier wallClockMs;

    /** Caps at {@link System#currentTimeMillis()}: what Kafka Streams instantiates. */
    public ProducedAtExtractor() {
        this(System::currentTimeMillis);
    }

    /** @param wallClockMs the wall clock in epoch milliseconds */
    ProducedAtExtractor(LongSupplier wallClockMs) {
        this.wallClockMs = wallClockMs;
    }

    /**
     * @return epoch milliseconds: min(record timestamp, wall clock), or the partition's time (at least 0) when the
     * record has no valid timestamp
     */
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.timestamp() < 0) {
            return Math.max(0, partitionTime);
        }
        return Math.min(record.timestamp(), wallClockMs.getAsLong());
    }

    /**
     * The record's own timestamp, uncapped, for TopologyTestDriver runs whose drivers stamp records no later than
     * their own wall clock (replay's {@code --now}) or deliberately model other clocks.
     */
    public static final class AsProduced implements TimestampExtractor {
        /** @return the record's timestamp, or its partition's time (at least 0) when it has no valid one */
        @Override
        public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
            return record.timestamp() >= 0 ? record.timestamp() : Math.max(0, partitionTime);
        }
    }
}
