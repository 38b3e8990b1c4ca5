package com.fluxrouter.billing.bench;

import com.fluxrouter.billing.local.LocalBroker;
import com.fluxrouter.billing.local.TopicSetup;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The one broker of a bench run (a {@link LocalBroker} in this JVM, as the demo runs it) and what the measurements
 * need from it: fresh topics for every run, so no run reads another's records or state, and committed offsets.
 */
final class BenchCluster implements AutoCloseable {
    private static final long TIMEOUT_S = 60;
    private final LocalBroker broker;
    private final Admin admin;
    private final int partitions;

    BenchCluster(Path dataDir, int partitions) throws Exception {
        this.broker = LocalBroker.start(dataDir, 0);
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        this.partitions = partitions;
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    int partitions() {
        return partitions;
    }

    /**
     * Deletes every topic of earlier runs (the pipeline's, their internal topics and the bench's own), then creates
     * the pipeline's topics and waits for their leaders.
     */
    void freshPipelineTopics() throws Exception {
        Set<String> old = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS).stream()
                .filter(name -> !name.startsWith("__")).collect(Collectors.toSet());
        if (!old.isEmpty()) {
            admin.deleteTopics(old).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            while (admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS).stream().anyMatch(old::contains)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics not deleted after " + TIMEOUT_S + " s: " + old);
                }
                Thread.sleep(50);
            }
        }
        // A topic just deleted may still be in the controller's way for a moment: retry creation until it goes.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (true) {
            try {
                TopicSetup.ensure(admin, partitions, (short) 1);
                return;
            } catch (ExecutionException stillDeleting) {
                if (System.nanoTime() > deadline) {
                    throw stillDeleting;
                }
                Thread.sleep(200);
            }
        }
    }

    /** A new plain topic with the bench's partition count, its leaders elected. */
    void createTopic(String name) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (!led(name)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no leaders for " + name);
            }
            Thread.sleep(20);
        }
    }

    /** Whether every partition has a leader; false while the broker does not know the new topic yet. */
    private boolean led(String name) throws Exception {
        try {
            return admin.describeTopics(List.of(name)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).get(name)
                    .partitions().stream().allMatch(p -> p.leader() != null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    /** Sum over the topic's partitions of the group's committed offsets (0 before its first commit). */
    long committed(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_S, TimeUnit.SECONDS);
        return offsets.entrySet().stream()
                .filter(entry -> entry.getKey().topic().equals(topic) && entry.getValue() != null)
                .mapToLong(entry -> entry.getValue().offset()).sum();
    }

    /**
     * Records in every topic but the inputs and the catalog's: the outputs and the changelogs a run wrote. End offsets
     * count transaction markers too (one per partition written per commit), so this is a slight overcount.
     */
    Map<String, Long> written() throws Exception {
        return written(name -> !name.startsWith("bench.") && !Topics.INPUTS.contains(name) && !name.contains("catalog"));
    }

    /** Records (end offsets, transaction markers included) in every topic whose name {@code topics} accepts. */
    Map<String, Long> written(Predicate<String> topics) throws Exception {
        Set<String> names = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS).stream()
                .filter(name -> !name.startsWith("__") && topics.test(name))
                .collect(Collectors.toSet());
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(names).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).forEach((name, description) ->
                description.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<String, Long> written = new TreeMap<>();
        admin.listOffsets(request).all().get(TIMEOUT_S, TimeUnit.SECONDS)
                .forEach((partition, info) -> written.merge(partition.topic(), info.offset(), Long::sum));
        return written;
    }

    /**
     * The producer of every measurement: acks=all and idempotent, as the router fleet must produce, with batching
     * that lets the broker, not the client, be the limit (256 KiB batches, 10 ms linger).
     */
    KafkaProducer<byte[], byte[]> producer(int lingerMs) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.LINGER_MS_CONFIG, lingerMs),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void close() {
        admin.close();
        broker.close();
    }
}
