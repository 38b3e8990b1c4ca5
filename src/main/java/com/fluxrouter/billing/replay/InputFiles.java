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

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns a directory of JSON-lines files into the records the router fleet and the catalog owners would produce:
 * {@code models.jsonl}, {@code rates.jsonl}, {@code plans.jsonl}, then {@code requests.jsonl}, each keyed as its
 * topic's contract says and encoded with the configured wire format. Missing catalog files stand for the
 * published price list. A line that is not a valid record is passed on as its raw bytes with no key, as a broken
 * producer would send it.
 */
public final class InputFiles {
    /** Receives each record in file order. */
    @FunctionalInterface
    public interface Sink {
        void accept(String topic, byte[] key, byte[] value);
    }

    private final Serdes serdes;
    private final AvroJson json = new AvroJson();

    public InputFiles(Serdes serdes) {
        this.serdes = serdes;
    }

    /**
     * The latest completed_at in the directory's requests, the default "now" of a replay: with it, the same input
     * gives the same output on any day, and nothing in the input counts as in the future.
     */
    public static Optional<Instant> latestCompletedAt(Path dir) throws IOException {
        Path file = dir.resolve("requests.jsonl");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        ObjectMapper mapper = new ObjectMapper();
        Instant latest = null;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                Instant at = completedAt(mapper, line);
                if (at != null && (latest == null || at.isAfter(latest))) {
                    latest = at;
                }
            }
        }
        return Optional.ofNullable(latest);
    }

    /** completed_at of a line, or null when the line has none that parses (it will be rejected anyway). */
    private static Instant completedAt(ObjectMapper mapper, String line) {
        try {
            JsonNode at = mapper.readTree(line).get("completed_at");
            if (at == null) {
                return null;
            }
            return at.isIntegralNumber() ? Instant.ofEpochMilli(at.longValue()) : Instant.parse(at.asText());
        } catch (JsonProcessingException | DateTimeParseException unreadable) {
            return null;
        }
    }

    /** Sends every record of the directory to the sink; returns how many. */
    public long send(Path dir, Sink sink) throws IOException {
        return send(dir.resolve("models.jsonl"), Topics.MODELS, ModelLane.class, PublishedPriceList.models(),
                        model -> string(Topics.MODELS, model.getModelId()), sink)
                + send(dir.resolve("rates.jsonl"), Topics.RATES, LaneRate.class, PublishedPriceList.rates(),
                        rate -> key(Topics.RATES, LaneRateKey.class, new LaneRateKey(rate.getLane(), rate.getEffectiveFrom())), sink)
                + send(dir.resolve("plans.jsonl"), Topics.PLANS, AccountPlan.class, List.of(),
                        plan -> key(Topics.PLANS, AccountPlanKey.class, new AccountPlanKey(plan.getAccountId(), plan.getEffectiveFrom())), sink)
                + send(dir.resolve("requests.jsonl"), Topics.ROUTED, RoutedRequest.class, List.of(),
                        request -> string(Topics.ROUTED, request.getAccountId()), sink);
    }

    private <T extends SpecificRecord> long send(Path file, String topic, Class<T> type, List<T> defaults,
                                                 Function<T, byte[]> keyOf, Sink sink) throws IOException {
        if (!Files.exists(file)) {
            defaults.forEach(record -> sink.accept(topic, keyOf.apply(record), value(topic, type, record)));
            return defaults.size();
        }
        long count = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                T record;
                try {
                    record = json.read(line, type);
                } catch (IllegalArgumentException unreadable) {
                    sink.accept(topic, null, line.getBytes(StandardCharsets.UTF_8));
                    count++;
                    continue;
                }
                sink.accept(topic, keyOf.apply(record), value(topic, type, record));
                count++;
            }
        }
        return count;
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
