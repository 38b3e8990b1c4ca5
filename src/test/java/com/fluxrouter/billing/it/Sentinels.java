package com.fluxrouter.billing.it;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

import java.nio.charset.StandardCharsets;

/**
 * Keys for the sentinel records the integration tests send last on every partition, to prove absence: a record's
 * outputs commit with it, in its partition's order, so once a sentinel's output is committed, everything sent before
 * it on that partition has had its outputs committed too.
 */
final class Sentinels {
    private Sentinels() {
    }

    /**
     * An account id (and record key) that Kafka's default partitioner (murmur2) puts on {@code partition} of a topic
     * of {@code partitions}, so the pipeline, replay and a re-partitioning see the sentinel where it was sent.
     */
    static String account(int partition, int partitions) {
        for (int n = 0; ; n++) {
            String account = "sentinel-" + n;
            if (BuiltInPartitioner.partitionForKey(account.getBytes(StandardCharsets.UTF_8), partitions) == partition) {
                return account;
            }
        }
    }
}
