package com.fluxrouter.billing.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The broker's ceiling on this machine, with no processing at all: a plain producer (acks=all) of the bench's
 * requests, and a plain loop that consumes them and produces each one again (acks=all, no transaction).
 */
final class BrokerCeiling {
    private static final Duration STALL = Duration.ofSeconds(60);
    private final BenchCluster cluster;

    BrokerCeiling(BenchCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Figures of one run: records per second of the producer and the copy loop, and the copy loop's CPU per record
     * (the process CPU time of this JVM, broker included, from the first non-empty poll to the final flush, over the
     * records copied: the same measure as the Streams runs').
     */
    record Run(double produce, double copy, double copyCpuMicrosPerRecord) {
    }

    /** The copy loop's figures. */
    private record Copy(double perSecond, double cpuMicrosPerRecord) {
    }

    Run measure(Workload.Encoded records, int run) throws Exception {
        String source = "bench.ceiling.produce-" + run;
        String target = "bench.ceiling.copy-" + run;
        cluster.createTopic(source);
        cluster.createTopic(target);
        double produce;
        try (KafkaProducer<byte[], byte[]> producer = cluster.producer(10)) {
            long start = System.nanoTime();
            for (int i = 0; i < records.size(); i++) {
                producer.send(new ProducerRecord<>(source, records.keys()[i], records.values()[i]));
            }
            producer.flush();
            produce = Stats.perSecond(records.size(), System.nanoTime() - start);
        }
        Copy copy = copy(source, target, records.size());
        return new Run(produce, copy.perSecond(), copy.cpuMicrosPerRecord());
    }

    private Copy copy(String source, String target, int count) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer();
             KafkaProducer<byte[], byte[]> producer = cluster.producer(10)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < cluster.partitions(); p++) {
                partitions.add(new TopicPartition(source, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long copied = 0;
            long start = 0;
            long cpuStart = 0;
            long lastProgress = System.nanoTime();
            while (copied < count) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(100));
                if (polled.isEmpty()) {
                    if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                        throw new IllegalStateException("copy loop stalled at " + copied + " of " + count);
                    }
                    continue;
                }
                if (start == 0) {
                    start = System.nanoTime();
                    cpuStart = StreamsRuns.processCpuNanos();
                }
                for (ConsumerRecord<byte[], byte[]> record : polled) {
                    producer.send(new ProducerRecord<>(target, record.key(), record.value()));
                }
                copied += polled.count();
                lastProgress = System.nanoTime();
            }
            producer.flush();
            return new Copy(Stats.perSecond(count, System.nanoTime() - start),
                    (StreamsRuns.processCpuNanos() - cpuStart) / 1e3 / count);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
