package com.fluxrouter.billing.it;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The one way the integration tests read output: a snapshot of a topic's committed records ({@code read_committed})
 * from the start (or given offsets) up to each partition's last stable offset at the moment of reading, partition
 * after partition, each in offset order. Waiting for output is taking snapshots through Awaitility until one
 * satisfies a condition; proving absence is waiting for a sentinel's output and then asserting on the snapshot that
 * holds it: everything the records before the sentinel caused is committed before it. A poll that returns nothing
 * proves nothing, so no read here ends on a quiet period.
 */
final class CommittedRecords {
    /** How long one snapshot may take: a local broker serves a few thousand records in well under a second. */
    private static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(60);

    private CommittedRecords() {
    }

    /** The topic's committed records now, from the start of every partition. */
    static List<ConsumerRecord<byte[], byte[]>> snapshot(Map<String, Object> clientSettings, String topic) {
        return snapshot(clientSettings, topic, Map.of());
    }

    /** The topic's committed records now, from {@code from} (a partition not in it: from its start). */
    static List<ConsumerRecord<byte[], byte[]>> snapshot(Map<String, Object> clientSettings, String topic,
                                                         Map<TopicPartition, Long> from) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(clientSettings)) {
            return snapshot(consumer, topic, from);
        }
    }

    /**
     * Snapshots of the topic, through Awaitility, until one satisfies {@code until}; returns that one.
     *
     * @throws org.awaitility.core.ConditionTimeoutException when none does within {@code timeout}
     */
    static List<ConsumerRecord<byte[], byte[]>> await(Map<String, Object> clientSettings, String topic,
                                                      Predicate<List<ConsumerRecord<byte[], byte[]>>> until,
                                                      Duration timeout) {
        List<List<ConsumerRecord<byte[], byte[]>>> last = new ArrayList<>(List.of(List.of()));
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(clientSettings)) {
            Awaitility.await("committed records of " + topic).atMost(timeout).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100)).pollInSameThread()
                    .until(() -> {
                        last.set(0, snapshot(consumer, topic, Map.of()));
                        return until.test(last.get(0));
                    });
        }
        return last.get(0);
    }

    /** Where each partition's next record will be, after a snapshot: to read only what comes after it. */
    static Map<TopicPartition, Long> nextOffsets(List<ConsumerRecord<byte[], byte[]>> snapshot,
                                                 Map<TopicPartition, Long> from) {
        Map<TopicPartition, Long> next = new HashMap<>(from);
        for (ConsumerRecord<byte[], byte[]> record : snapshot) {
            next.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
        }
        return next;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> clientSettings) {
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<ConsumerRecord<byte[], byte[]>> snapshot(KafkaConsumer<byte[], byte[]> consumer, String topic,
                                                                 Map<TopicPartition, Long> from) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
        // With read_committed, the end offsets are the last stable offsets.
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        consumer.assign(partitions);
        for (TopicPartition partition : partitions) {
            if (from.containsKey(partition)) {
                consumer.seek(partition, from.get(partition));
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + SNAPSHOT_TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(topic + " not read to " + ends + " in " + SNAPSHOT_TIMEOUT);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    records.add(record);
                }
            }
        }
        // Partition after partition; a stable sort keeps each partition's offset order.
        records.sort(Comparator.comparingInt(ConsumerRecord::partition));
        return records;
    }
}
