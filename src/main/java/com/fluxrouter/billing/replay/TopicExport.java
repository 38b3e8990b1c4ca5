package com.fluxrouter.billing.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code bin/flux-billing export}: the pipeline's input topics written as {@code replay}'s input files
 * ({@link InputFiles}), so that an auditor replays what the live pipeline saw. Each line is the record as JSON
 * plus {@code produced_at} (its record timestamp), {@code partition} and {@code offset}; a record that is not one
 * of its topic's schema, or whose key is not the one replay would derive from its value (a request keyed by
 * another account), is written as its key and value bytes in base64, so replay rejects it as live did. Records are
 * read committed, partition after partition, each in offset order: the order replay processes them in.
 *
 * <p>The catalog and plan topics are exported whole (every price and plan version can matter to any request);
 * {@code from} and {@code to} bound the requests by record timestamp.
 */
public final class TopicExport {
    /** Topic to file, in the order replay reads them. */
    public static final Map<String, String> FILES = files();
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    private final Map<String, Object> clientSettings;
    private final Serdes live;
    private final InputFiles replayFormat;
    private final AvroJson json = new AvroJson();
    private final ObjectMapper mapper = new ObjectMapper();
    private final Serdes replay;

    /** Lines written per file, and how many of them carry raw bytes. */
    public record Result(Map<String, Long> lines, long raw) {
    }

    /**
     * @param clientSettings Kafka consumer settings: bootstrap servers and security, no group needed
     * @param live           the serdes the topics are written with (the pipeline's {@code flux.serde.format})
     * @param replay         the serdes replay encodes its input with
     */
    public TopicExport(Map<String, Object> clientSettings, Serdes live, Serdes replay) {
        this.clientSettings = clientSettings;
        this.live = live;
        this.replay = replay;
        this.replayFormat = new InputFiles(replay);
    }

    private static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(Topics.MODELS, "models.jsonl");
        files.put(Topics.RATES, "rates.jsonl");
        files.put(Topics.PLANS, "plans.jsonl");
        files.put(Topics.ROUTED, "requests.jsonl");
        return files;
    }

    /**
     * Writes the four files into {@code out} (created if absent), replacing any there.
     *
     * @param from requests with a record timestamp before it are left out; null for none
     * @param to   requests with a record timestamp at or after it are left out; null for none
     * @throws IOException           when a file cannot be written
     * @throws IllegalStateException when a partition cannot be read to its end within two minutes
     */
    public Result run(Path out, Instant from, Instant to) throws IOException {
        Files.createDirectories(out);
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<String, Long> lines = new LinkedHashMap<>();
        long raw = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            for (Map.Entry<String, String> file : FILES.entrySet()) {
                String topic = file.getKey();
                boolean requests = topic.equals(Topics.ROUTED);
                Counts counts = export(consumer, topic, out.resolve(file.getValue()), requests ? from : null,
                        requests ? to : null);
                lines.put(file.getValue(), counts.lines);
                raw += counts.raw;
            }
        }
        return new Result(lines, raw);
    }

    private static final class Counts {
        long lines;
        long raw;
    }

    private Counts export(KafkaConsumer<byte[], byte[]> consumer, String topic, Path file, Instant from, Instant to)
            throws IOException {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
        // Under read_committed the end offsets are the last stable offsets: what a transaction still open may add
        // is not read.
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> starts = starts(consumer, partitions, ends, from);
        Counts counts = new Counts();
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (TopicPartition partition : partitions) {
                consumer.assign(List.of(partition));
                consumer.seek(partition, starts.get(partition));
                long end = ends.get(partition);
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                while (consumer.position(partition) < end) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(partition + " not read to offset " + end + " within " + PATIENCE);
                    }
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        if (record.offset() >= end || (to != null && record.timestamp() >= to.toEpochMilli())
                                || (from != null && record.timestamp() < from.toEpochMilli())) {
                            continue;
                        }
                        ObjectNode line = line(topic, record);
                        if (line.has(InputFiles.VALUE_BASE64)) {
                            counts.raw++;
                        }
                        writer.write(mapper.writeValueAsString(line));
                        writer.write('\n');
                        counts.lines++;
                    }
                }
            }
        }
        return counts;
    }

    /** Where each partition's export starts: its first offset at or after {@code from}, or its beginning. */
    private static Map<TopicPartition, Long> starts(KafkaConsumer<byte[], byte[]> consumer,
                                                    List<TopicPartition> partitions, Map<TopicPartition, Long> ends,
                                                    Instant from) {
        Map<TopicPartition, Long> starts = new HashMap<>(consumer.beginningOffsets(partitions));
        if (from == null) {
            return starts;
        }
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(partition -> times.put(partition, from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp at = found.get(partition);
            starts.put(partition, at == null ? ends.get(partition) : at.offset());
        }
        return starts;
    }

    /** The record as replay's JSON when replay reads it back as the same record, else as its bytes. */
    private ObjectNode line(String topic, ConsumerRecord<byte[], byte[]> record) throws IOException {
        if (decode(live, topic, false, record.value()) instanceof SpecificRecord value) {
            ObjectNode readable = (ObjectNode) mapper.readTree(json.write(value));
            placed(readable, record);
            InputFiles.Input back = replayFormat.read(topic, mapper.writeValueAsString(readable));
            if (Objects.equals(decode(replay, topic, false, back.value()), value)
                    && Objects.equals(decode(replay, topic, true, back.key()), decode(live, topic, true, record.key()))) {
                return readable;
            }
        }
        ObjectNode bytes = mapper.createObjectNode();
        bytes.put(InputFiles.KEY_BASE64, record.key() == null ? null : Base64.getEncoder().encodeToString(record.key()));
        bytes.put(InputFiles.VALUE_BASE64, record.value() == null ? null
                : Base64.getEncoder().encodeToString(record.value()));
        placed(bytes, record);
        return bytes;
    }

    private static void placed(ObjectNode line, ConsumerRecord<byte[], byte[]> record) {
        line.put(InputFiles.PRODUCED_AT, Instant.ofEpochMilli(Math.max(0, record.timestamp())).toString());
        line.put(InputFiles.PARTITION, record.partition());
        line.put(InputFiles.OFFSET, record.offset());
    }

    /** A key or value of the topic's contract, or null when the bytes are null or not one. */
    private static Object decode(Serdes serdes, String topic, boolean key, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return switch (topic) {
                case Topics.ROUTED -> key ? serdes.string().deserializer().deserialize(topic, bytes)
                        : serdes.avro(RoutedRequest.class).deserializer().deserialize(topic, bytes);
                case Topics.MODELS -> key ? serdes.string().deserializer().deserialize(topic, bytes)
                        : serdes.avro(ModelLane.class).deserializer().deserialize(topic, bytes);
                case Topics.RATES -> key ? serdes.avro(LaneRateKey.class).deserializer().deserialize(topic, bytes)
                        : serdes.avro(LaneRate.class).deserializer().deserialize(topic, bytes);
                case Topics.PLANS -> key ? serdes.avro(AccountPlanKey.class).deserializer().deserialize(topic, bytes)
                        : serdes.avro(AccountPlan.class).deserializer().deserialize(topic, bytes);
                default -> throw new IllegalArgumentException("not an input topic: " + topic);
            };
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
