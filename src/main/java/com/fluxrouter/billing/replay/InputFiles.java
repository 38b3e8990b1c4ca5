package com.fluxrouter.billing.replay;

import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Function;

/**
 * Turns a directory of JSON-lines files into the records the router fleet and the catalog owners would produce:
 * {@code models.jsonl}, {@code rates.jsonl}, {@code plans.jsonl}, then {@code requests.jsonl}, each keyed as its
 * topic's contract says and encoded with the configured wire format. A missing catalog file stands for the
 * published price list; a catalog file that is there is the whole topic, so the published list's records of that
 * file's kind are not added (a topic that was never seeded must not gain prices in a replay). A line that is not a
 * valid record is passed on as its raw bytes with no key, as a broken producer would send it.
 *
 * <p>Besides the record's fields a line may carry what {@code export} writes: {@value #PRODUCED_AT} (ISO-8601 UTC,
 * the record timestamp the topic had), {@value #PARTITION} and {@value #OFFSET} (where it was on the topic). A line
 * with {@value #VALUE_BASE64} is a record the topic held that is no record of its schema: its key and value bytes
 * (base64, {@value #KEY_BASE64} optional) go in as they were.
 *
 * <p>Each file's lines are read and parsed on a thread of its own ({@link ReadAhead}) while the sink handles the
 * records before them; the sink is called on the caller's thread, in file order, and a file that cannot be read or a
 * line that stops the replay fails the call after the records before it, as when everything ran on one thread.
 */
public final class InputFiles {
    public static final String PRODUCED_AT = "produced_at";
    public static final String PARTITION = "partition";
    public static final String OFFSET = "offset";
    public static final String KEY_BASE64 = "key_base64";
    public static final String VALUE_BASE64 = "value_base64";

    /** Receives each record in file order. */
    @FunctionalInterface
    public interface Sink {
        void accept(String topic, byte[] key, byte[] value);
    }

    /**
     * One input record with where and when the topic had it, each null when the line does not say.
     *
     * @param producedAt epoch milliseconds of the record timestamp the topic had
     */
    public record Input(String topic, byte[] key, byte[] value, Long producedAt, Integer partition, Long offset) {
    }

    /** Receives each record, with its produced_at, partition and offset, in file order. */
    @FunctionalInterface
    public interface InputSink {
        void accept(Input input);
    }

    private final Serdes serdes;
    private final AvroJson json = new AvroJson();
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * Input files encoded with {@code serdes}. {@link #send} and {@link #sendInputs} use them on a reader thread
     * while the sink runs on the caller's, so a sink may use the same serdes only because they are safe to share
     * between threads ({@link Serdes}' caches are concurrent and its encoders per thread, as Kafka Streams' threads
     * need them anyway).
     *
     * @param serdes the wire format the records' keys and values are encoded in
     */
    public InputFiles(Serdes serdes) {
        this.serdes = serdes;
    }

    /**
     * Sends every record of the directory to the sink, without produced_at, partition or offset; returns how many.
     *
     * @throws IOException              when a file cannot be read ({@link java.io.InterruptedIOException} when the
     *                                  caller is interrupted while it waits for the reader, the interrupt kept)
     * @throws IllegalArgumentException when a line stops the replay (a produced_at that is no ISO-8601 instant,
     *                                  base64 that is none), after every record before it; whatever the sink
     *                                  throws, as thrown
     */
    public long send(Path dir, Sink sink) throws IOException {
        return sendInputs(dir, input -> sink.accept(input.topic(), input.key(), input.value()));
    }

    /**
     * Sends every record of the directory to the sink; returns how many.
     *
     * @throws IOException              when a file cannot be read ({@link java.io.InterruptedIOException} when the
     *                                  caller is interrupted while it waits for the reader, the interrupt kept)
     * @throws IllegalArgumentException when a line stops the replay (a produced_at that is no ISO-8601 instant,
     *                                  base64 that is none), after every record before it; whatever the sink
     *                                  throws, as thrown
     */
    public long sendInputs(Path dir, InputSink sink) throws IOException {
        return send(dir.resolve("models.jsonl"), Topics.MODELS, ModelLane.class, PublishedPriceList.models(),
                        model -> string(Topics.MODELS, model.getModelId()), sink)
                + send(dir.resolve("rates.jsonl"), Topics.RATES, LaneRate.class, PublishedPriceList.rates(),
                        rate -> key(Topics.RATES, LaneRateKey.class, new LaneRateKey(rate.getLane(), rate.getEffectiveFrom())), sink)
                + sendInProductionOrder(dir, sink);
    }

    /**
     * Plans and requests, each in file order, interleaved as Kafka Streams picks from two inputs: the head with the
     * earlier record timestamp first, a plan on a tie; a plan without produced_at before every request (published
     * before them all), a request without one after every plan (produced at replay's wall clock). Plans are few and
     * read first; requests stream.
     */
    private long sendInProductionOrder(Path dir, InputSink sink) throws IOException {
        ArrayDeque<Input> plans = new ArrayDeque<>();
        long count = send(dir.resolve("plans.jsonl"), Topics.PLANS, AccountPlan.class, List.of(),
                plan -> key(Topics.PLANS, AccountPlanKey.class, new AccountPlanKey(plan.getAccountId(), plan.getEffectiveFrom())),
                plans::add);
        count += send(dir.resolve("requests.jsonl"), Topics.ROUTED, RoutedRequest.class, List.of(),
                request -> string(Topics.ROUTED, request.getAccountId()), request -> {
                    long producedAt = request.producedAt() == null ? Long.MAX_VALUE : request.producedAt();
                    while (!plans.isEmpty() && (plans.peek().producedAt() == null || plans.peek().producedAt() <= producedAt)) {
                        sink.accept(plans.poll());
                    }
                    sink.accept(request);
                });
        plans.forEach(sink::accept);
        return count;
    }

    private <T extends SpecificRecord> long send(Path file, String topic, Class<T> type, List<T> defaults,
                                                 Function<T, byte[]> keyOf, InputSink sink) throws IOException {
        if (!Files.exists(file)) {
            defaults.forEach(record -> sink.accept(new Input(topic, keyOf.apply(record), value(topic, type, record),
                    null, null, null)));
            return defaults.size();
        }
        long count = 0;
        // Lines are parsed on a thread of their own while the sink handles those before them (ReadAhead).
        try (ReadAhead<Input> lines = new ReadAhead<>(file, line -> input(line, topic, type, keyOf))) {
            for (List<Input> batch = lines.next(); batch != null; batch = lines.next()) {
                for (Input input : batch) {
                    sink.accept(input);
                }
                count += batch.size();
            }
        }
        return count;
    }

    private <T extends SpecificRecord> Input input(String line, String topic, Class<T> type, Function<T, byte[]> keyOf) {
        JsonNode node = object(line);
        Long producedAt = node == null ? null : producedAt(node);
        Integer partition = node == null || !node.path(PARTITION).canConvertToInt() ? null : node.get(PARTITION).intValue();
        Long offset = node == null || !node.path(OFFSET).canConvertToLong() ? null : node.get(OFFSET).longValue();
        if (node != null && (node.has(VALUE_BASE64) || node.has(KEY_BASE64))) {
            return new Input(topic, base64(node, KEY_BASE64), base64(node, VALUE_BASE64), producedAt, partition, offset);
        }
        T record;
        try {
            record = json.read(node, type);
        } catch (IllegalArgumentException unreadable) {
            return new Input(topic, null, line.getBytes(StandardCharsets.UTF_8), producedAt, partition, offset);
        }
        return new Input(topic, keyOf.apply(record), value(topic, type, record), producedAt, partition, offset);
    }

    /** The bytes of a base64 member; null when it is absent or null (a null value is a tombstone). */
    private static byte[] base64(JsonNode node, String member) {
        return node.hasNonNull(member) ? Base64.getDecoder().decode(node.get(member).asText()) : null;
    }

    /**
     * The record one line of a topic's file stands for, as {@link #sendInputs} sends it.
     *
     * @param topic one of the four input topics
     * @throws IllegalArgumentException for another topic, or a produced_at that is no ISO-8601 instant
     */
    public Input read(String topic, String line) {
        return switch (topic) {
            case Topics.MODELS -> input(line, topic, ModelLane.class, model -> string(Topics.MODELS, model.getModelId()));
            case Topics.RATES -> input(line, topic, LaneRate.class, rate -> key(Topics.RATES, LaneRateKey.class,
                    new LaneRateKey(rate.getLane(), rate.getEffectiveFrom())));
            case Topics.PLANS -> input(line, topic, AccountPlan.class, plan -> key(Topics.PLANS, AccountPlanKey.class,
                    new AccountPlanKey(plan.getAccountId(), plan.getEffectiveFrom())));
            case Topics.ROUTED -> input(line, topic, RoutedRequest.class, request -> string(Topics.ROUTED,
                    request.getAccountId()));
            default -> throw new IllegalArgumentException("not an input topic: " + topic);
        };
    }

    /** The line as a JSON object, or null when it is none (it goes in as raw bytes). */
    private JsonNode object(String line) {
        try {
            JsonNode node = mapper.readTree(line);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    /**
     * @throws IllegalArgumentException when produced_at is there but not an ISO-8601 instant: a wrong timestamp
     *                                  would judge the record, so the replay stops rather than guess
     */
    private static Long producedAt(JsonNode node) {
        JsonNode at = node.get(PRODUCED_AT);
        if (at == null || at.isNull()) {
            return null;
        }
        try {
            return IsoInstants.parse(at.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(PRODUCED_AT + " is not an ISO-8601 instant: " + at.asText(), e);
        }
    }

    private byte[] string(String topic, String key) {
        return serdes.string().serializer().serialize(topic, key);
    }

    private <T extends SpecificRecord> byte[] key(String topic, Class<T> type, T key) {
        return serdes.avro(type).serializer().serialize(topic, key);
    }

    private <T extends SpecificRecord> byte[] value(String topic, Class<T> type, T record) {
        return serdes.avro(type).serializer().serialize(topic, record);
    }
}
