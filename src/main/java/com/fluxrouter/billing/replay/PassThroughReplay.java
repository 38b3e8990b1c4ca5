package com.fluxrouter.billing.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes.LongSerde;
import org.apache.kafka.common.serialization.Serdes.StringSerde;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The baselines of replay's speed: the same driver (input files, wire format, a processor on a
 * {@link MockProcessorContext}, JSON lines out) around a processor that does the least. {@link #PassThroughReplay
 * The pass-through} only forwards what it reads; what replay spends beyond it is the billing itself. {@link
 * #dedupFloor The dedup floor} is issue 14's dedup floor on this driver: what any replay that bills a request once must
 * at least do, measured the way the bench's Streams floor is (docs/performance.md, rows 2 and 4).
 */
public final class PassThroughReplay {
    private static final Map<String, Class<? extends SpecificRecord>> VALUES = Map.of(
            Topics.ROUTED, RoutedRequest.class,
            Topics.MODELS, ModelLane.class,
            Topics.RATES, LaneRate.class,
            Topics.PLANS, AccountPlan.class);

    private final Serdes serdes;
    private final boolean dedup;
    private final String output;
    /** Records the last {@link #run} wrote. */
    private long written;

    /** The pass-through: every record forwarded to {@code passthrough.jsonl}. */
    public PassThroughReplay(BillingConfig config) {
        this(config, false, "passthrough.jsonl");
    }

    private PassThroughReplay(BillingConfig config, boolean dedup, String output) {
        this.serdes = new Serdes(config.wireFormat());
        this.dedup = dedup;
        this.output = output;
    }

    /**
     * The dedup floor, written to {@code dedupfloor.jsonl}: a routed request is looked up by its request id in one
     * store and, the first time its id is seen, remembered there (one get and one put, key and value serialized as a
     * Kafka Streams store keeps them, in the hash-kept {@link MemoryStore} replay's other point-read stores use) and
     * forwarded; a repeat is dropped; every other record (a plan, a catalog entry) is forwarded. Nothing else: no
     * validation, pricing, ledger or index.
     */
    public static PassThroughReplay dedupFloor(BillingConfig config) {
        return new PassThroughReplay(config, true, "dedupfloor.jsonl");
    }

    /**
     * Reads every record of {@code in} and writes what the processor forwards to {@code out}, one JSON line a record.
     *
     * @return how many records went in (requests and other records; repeats too); {@link #written} gives how many
     *         came out
     * @throws IOException when an input cannot be read or an output written
     */
    public long run(Path in, Path out) throws IOException {
        written = 0;
        Files.createDirectories(out);
        MockProcessorContext<byte[], SpecificRecord> context = new MockProcessorContext<>();
        Processor<byte[], SpecificRecord, byte[], SpecificRecord> forward = dedup ? new Dedup() : new Forward();
        forward.init(context);
        AvroJson json = new AvroJson();
        // Written as replay's JsonSinks write: streamed, one record a line.
        try (JsonGenerator writer = new JsonFactory().createGenerator(new OutputStreamWriter(
                Files.newOutputStream(out.resolve(output)), StandardCharsets.UTF_8))) {
            writer.setRootValueSeparator(null);
            return new InputFiles(serdes).send(in, (topic, key, value) -> {
                Deserializer<? extends SpecificRecord> values = serdes.avro(VALUES.get(topic)).deserializer();
                forward.process(new Record<>(key, values.deserialize(topic, value), 0L));
                try {
                    for (MockProcessorContext.CapturedForward<?, ?> captured : context.forwarded()) {
                        json.write((SpecificRecord) captured.record().value(), writer);
                        writer.writeRaw('\n');
                        written++;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                context.resetForwards();
            });
        }
    }

    /** @return the records the last {@link #run} wrote (the floor: one per input, but none for a repeat) */
    public long written() {
        return written;
    }

    /** Forwards every record. */
    private static class Forward implements Processor<byte[], SpecificRecord, byte[], SpecificRecord> {
        private ProcessorContext<byte[], SpecificRecord> target;

        @Override
        public void init(ProcessorContext<byte[], SpecificRecord> target) {
            this.target = target;
        }

        @Override
        public void process(Record<byte[], SpecificRecord> record) {
            target.forward(record);
        }
    }

    /** Forwards a request the first time its id is seen, remembering the id with its completion time; drops a repeat. */
    private static final class Dedup extends Forward {
        private final KeyValueStore<String, Long> ids = new MemoryStore<>("dedup-floor-ids", new StringSerde(),
                new LongSerde(), false);

        @Override
        public void process(Record<byte[], SpecificRecord> record) {
            if (record.value() instanceof RoutedRequest request) {
                if (ids.get(request.getRequestId()) != null) {
                    return;
                }
                ids.put(request.getRequestId(), request.getCompletedAt().toEpochMilli());
            }
            super.process(record);
        }
    }
}
