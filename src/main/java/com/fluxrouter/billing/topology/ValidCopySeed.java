package com.fluxrouter.billing.topology;

import com.fluxrouter.billing.catalog.CatalogRules;
import com.fluxrouter.billing.errors.RejectedException;
import com.fluxrouter.billing.errors.Rejections;
import com.fluxrouter.billing.plans.PlanRules;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.serde.Serdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills the pipeline's empty validated copies ({@code <application.id>.catalog.models.valid},
 * {@code .catalog.rates.valid}, {@code .accounts.plans.valid}) from their source topics before the pipeline starts.
 * Global stores are loaded from these copies before any request is processed; on a deployment's first start over
 * topics that already hold history (a new {@code application.id}, or the upgrade that introduced a copy), an empty
 * copy would leave requests metered without the catalog (rejected {@code UNKNOWN_MODEL}, {@code NO_RATE}) or without
 * their plans (rule 6, "Production order") until the pipeline's own validation caught up. A seeded copy holds what
 * the validating processor would have copied: each record that decodes and passes its rules (tombstones of the
 * catalog too), with its record timestamp capped at the wall clock as the live extractor reads it, in one transaction
 * per copy, so a copy is either still empty or complete. The pipeline copies the same records again as it reads its
 * inputs; the copies are identical. Invalid records are left to the validating processors, which reject them.
 */
public final class ValidCopySeed {
    private static final Logger LOG = LoggerFactory.getLogger(ValidCopySeed.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SEED_TRANSACTION_TIMEOUT = Duration.ofMinutes(5);

    /** A source record as its validated copy's key and value bytes; throws what decoding or the rules throw. */
    @FunctionalInterface
    private interface Validate {
        byte[][] copy(ConsumerRecord<byte[], byte[]> record, String copyTopic);
    }

    private record Copy(String source, String target, Validate validate) {
    }

    private ValidCopySeed() {
    }

    /**
     * @param streams the pipeline's Streams settings: bootstrap servers, security, application id
     * @param serdes  the pipeline's serdes (the source topics' wire format)
     * @return how many records it copied in all; 0 when every copy already held records or there were none
     * @throws IllegalStateException when a topic cannot be read to its end in 60 s, a copy does not exist, or a
     *                               record cannot be read because the schema registry failed
     */
    public static int seedIfEmpty(StreamsConfig streams, Serdes serdes) {
        String applicationId = streams.getString(StreamsConfig.APPLICATION_ID_CONFIG);
        int copied = 0;
        for (Copy copy : copies(applicationId, serdes)) {
            copied += seed(streams, applicationId, copy);
        }
        return copied;
    }

    private static List<Copy> copies(String applicationId, Serdes serdes) {
        return List.of(
                new Copy(Topics.MODELS, Topics.modelsValid(applicationId), (record, topic) -> {
                    String key = serdes.string().deserializer().deserialize(Topics.MODELS, record.key());
                    ModelLane model = serdes.avro(ModelLane.class).deserializer().deserialize(Topics.MODELS, record.value());
                    if (model != null) {
                        CatalogRules.checkModel(key, model);
                    }
                    return new byte[][] {serdes.string().serializer().serialize(topic, key),
                            serdes.internal(ModelLane.class).serializer().serialize(topic, model)};
                }),
                new Copy(Topics.RATES, Topics.ratesValid(applicationId), (record, topic) -> {
                    LaneRateKey key = serdes.avro(LaneRateKey.class).deserializer().deserialize(Topics.RATES, record.key());
                    LaneRate rate = serdes.avro(LaneRate.class).deserializer().deserialize(Topics.RATES, record.value());
                    if (rate != null) {
                        CatalogRules.checkRate(key, rate);
                    }
                    return new byte[][] {serdes.internal(LaneRateKey.class).serializer().serialize(topic, key),
                            serdes.internal(LaneRate.class).serializer().serialize(topic, rate)};
                }),
                new Copy(Topics.PLANS, Topics.plansValid(applicationId), (record, topic) -> {
                    AccountPlanKey key = serdes.avro(AccountPlanKey.class).deserializer().deserialize(Topics.PLANS, record.key());
                    AccountPlan plan = serdes.avro(AccountPlan.class).deserializer().deserialize(Topics.PLANS, record.value());
                    PlanRules.check(key, plan);
                    return new byte[][] {serdes.internal(AccountPlanKey.class).serializer().serialize(topic, key),
                            serdes.internal(AccountPlan.class).serializer().serialize(topic, plan)};
                }));
    }

    private static int seed(StreamsConfig streams, String applicationId, Copy copy) {
        Map<String, Object> consumerConfigs = new HashMap<>(streams.getRestoreConsumerConfigs(applicationId + "-copy-seed"));
        consumerConfigs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Reading a copy or a source to its end ends on a fetch with nothing to return (under read_committed, the last
        // transaction's marker), which the broker holds for fetch.max.wait.ms: 500 ms by default, three times per
        // start. The seed only reads what is already there, so it need not wait for more.
        consumerConfigs.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        consumerConfigs.remove(ConsumerConfig.GROUP_ID_CONFIG);
        List<ProducerRecord<byte[], byte[]>> copies = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfigs, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            if (!read(consumer, copy.target(), 1).isEmpty()) {
                return 0;
            }
            List<PartitionInfo> source = consumer.partitionsFor(copy.source(), READ_TIMEOUT);
            if (source == null || source.isEmpty()) {
                // No history to copy. Kafka Streams reports the missing source topic itself (and /health shows it).
                LOG.warn("{} does not exist: nothing to copy to {}", copy.source(), copy.target());
                return 0;
            }
            for (ConsumerRecord<byte[], byte[]> record : read(consumer, copy.source(), Integer.MAX_VALUE)) {
                ProducerRecord<byte[], byte[]> copied = copyOf(record, copy);
                if (copied != null) {
                    copies.add(copied);
                }
            }
        }
        if (copies.isEmpty()) {
            return 0;
        }
        Map<String, Object> producerConfigs = new HashMap<>(streams.getProducerConfigs(applicationId + "-copy-seed"));
        producerConfigs.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, copy.target() + "-seed");
        // One transaction for the whole copy, so a crash leaves it empty (and seeded again) rather than partial;
        // Kafka Streams' 10 s would not cover a large topic.
        producerConfigs.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) SEED_TRANSACTION_TIMEOUT.toMillis());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfigs, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            copies.forEach(producer::send);
            producer.commitTransaction();
        }
        LOG.info("Copied {} valid records from {} to the empty {}", copies.size(), copy.source(), copy.target());
        return copies.size();
    }

    /** The copy the validating processor would write for the record, or null if it would reject it. */
    private static ProducerRecord<byte[], byte[]> copyOf(ConsumerRecord<byte[], byte[]> record, Copy copy) {
        byte[][] keyAndValue;
        try {
            keyAndValue = copy.validate().copy(record, copy.target());
        } catch (RejectedException | org.apache.kafka.common.errors.SerializationException
                 | org.apache.avro.AvroRuntimeException | IllegalArgumentException | IndexOutOfBoundsException
                 | NullPointerException invalid) {
            if (Rejections.registryFailure(invalid)) {
                // The registry's trouble, not the record's: a copy without this record would bill without it.
                throw new IllegalStateException("cannot read " + copy.source() + " through the schema registry", invalid);
            }
            return null;
        }
        // As the live extractor reads it (ProducedAtExtractor): a producer's future clock is capped at the wall clock.
        long timestamp = Math.min(record.timestamp(), System.currentTimeMillis());
        return new ProducerRecord<>(copy.target(), null, timestamp, keyAndValue[0], keyAndValue[1]);
    }

    /** Up to {@code limit} committed records of the topic, from its beginning to its end as of now. */
    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaConsumer<byte[], byte[]> consumer, String topic,
                                                             int limit) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, READ_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist: create the topics first (`topics`)");
        }
        List<TopicPartition> partitions = infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_TIMEOUT);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (records.size() < limit && partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " to its end in " + READ_TIMEOUT);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
