package com.fluxrouter.billing.plans;

import com.fluxrouter.billing.errors.RejectedException;
import com.fluxrouter.billing.errors.Rejections;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
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
 * Fills an empty {@code flux-billing.accounts.plans.valid} from {@code flux.accounts.plans} before the pipeline
 * starts (rule 6, "Production order"): on a deployment's first start over a plans topic that already holds history,
 * and on the upgrade that introduced the copy, the pipeline's own copy would start with the versions published
 * after it, and the global store {@value PlanFlow#PUBLICATIONS_STORE} would miss the earlier ones. The copy holds
 * what {@code plans-validate} would have copied: each version that decodes and passes {@link PlanRules}, with its
 * record timestamp, in one transaction, so the copy is either still empty or complete. The pipeline copies the
 * same versions again as it reads the plans topic; the copies are identical and the store folds them once. Invalid
 * versions are left to {@code plans-validate}, which rejects them.
 */
public final class PlanCopySeed {
    private static final Logger LOG = LoggerFactory.getLogger(PlanCopySeed.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SEED_TRANSACTION_TIMEOUT = Duration.ofMinutes(5);

    private PlanCopySeed() {
    }

    /**
     * @param streams the pipeline's Streams settings: bootstrap servers, security, application id
     * @param serdes  the pipeline's serdes (the plans topic's wire format)
     * @return how many versions it copied; 0 when the copy already held records or there were none
     * @throws IllegalStateException when a topic cannot be read to its end in 60 s, or does not exist
     */
    public static int seedIfEmpty(StreamsConfig streams, Serdes serdes) {
        String applicationId = streams.getString(StreamsConfig.APPLICATION_ID_CONFIG);
        Map<String, Object> consumerConfigs = new HashMap<>(streams.getRestoreConsumerConfigs(applicationId + "-plans-seed"));
        consumerConfigs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfigs.remove(ConsumerConfig.GROUP_ID_CONFIG);
        List<ProducerRecord<byte[], byte[]>> copies = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfigs, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            if (!read(consumer, Topics.plansValid(applicationId), 1).isEmpty()) {
                return 0;
            }
            for (ConsumerRecord<byte[], byte[]> record : read(consumer, Topics.PLANS, Integer.MAX_VALUE)) {
                ProducerRecord<byte[], byte[]> copy = copyOf(record, serdes, Topics.plansValid(applicationId));
                if (copy != null) {
                    copies.add(copy);
                }
            }
        }
        if (copies.isEmpty()) {
            return 0;
        }
        Map<String, Object> producerConfigs = new HashMap<>(streams.getProducerConfigs(applicationId + "-plans-seed"));
        producerConfigs.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, applicationId + "-plans-valid-seed");
        // One transaction for the whole copy, so a crash leaves it empty (and seeded again) rather than partial;
        // Kafka Streams' 10 s would not cover a large plans topic.
        producerConfigs.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) SEED_TRANSACTION_TIMEOUT.toMillis());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfigs, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            copies.forEach(producer::send);
            producer.commitTransaction();
        }
        LOG.info("Copied {} valid plan versions from {} to the empty {}", copies.size(), Topics.PLANS,
                Topics.plansValid(applicationId));
        return copies.size();
    }

    /** The copy plans-validate would write for the record, or null if it would reject it. */
    private static ProducerRecord<byte[], byte[]> copyOf(ConsumerRecord<byte[], byte[]> record, Serdes serdes,
                                                          String copyTopic) {
        AccountPlanKey key;
        AccountPlan plan;
        try {
            key = serdes.avro(AccountPlanKey.class).deserializer().deserialize(Topics.PLANS, record.key());
            plan = serdes.avro(AccountPlan.class).deserializer().deserialize(Topics.PLANS, record.value());
            PlanRules.check(key, plan);
        } catch (RejectedException | org.apache.kafka.common.errors.SerializationException
                 | org.apache.avro.AvroRuntimeException | IllegalArgumentException | IndexOutOfBoundsException invalid) {
            if (Rejections.registryFailure(invalid)) {
                // The registry's trouble, not the record's: a copy without this version would bill without it.
                throw new IllegalStateException("cannot read " + Topics.PLANS + " through the schema registry", invalid);
            }
            return null;
        }
        // As the live extractor reads it (ProducedAtExtractor): a producer's future clock is capped at the wall clock.
        long publishedAt = Math.min(record.timestamp(), System.currentTimeMillis());
        return new ProducerRecord<>(copyTopic, null, publishedAt,
                serdes.internal(AccountPlanKey.class).serializer().serialize(copyTopic, key),
                serdes.internal(AccountPlan.class).serializer().serialize(copyTopic, plan));
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
