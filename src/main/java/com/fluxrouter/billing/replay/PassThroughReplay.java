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
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The baseline of replay's speed: the same driver (input files, wire format, a processor on a
 * {@link MockProcessorContext}, JSON lines out) around a processor that only forwards what it reads. What replay
 * spends beyond this is the billing itself.
 */
public final class PassThroughReplay {
    private static final Map<String, Class<? extends SpecificRecord>> VALUES = Map.of(
            Topics.ROUTED, RoutedRequest.class,
            Topics.MODELS, ModelLane.class,
            Topics.RATES, LaneRate.class,
            Topics.PLANS, AccountPlan.class);

    private final Serdes serdes;

    public PassThroughReplay(BillingConfig config) {
        this.serdes = new Serdes(config.wireFormat());
    }

    /** Forwards every record of {@code in} to {@code out/passthrough.jsonl}; returns how many records went in. */
    public long run(Path in, Path out) throws IOException {
        Files.createDirectories(out);
        MockProcessorContext<byte[], SpecificRecord> context = new MockProcessorContext<>();
        Processor<byte[], SpecificRecord, byte[], SpecificRecord> forward = new Processor<>() {
            private ProcessorContext<byte[], SpecificRecord> target;

            @Override
            public void init(ProcessorContext<byte[], SpecificRecord> target) {
                this.target = target;
            }

            @Override
            public void process(Record<byte[], SpecificRecord> record) {
                target.forward(record);
            }
        };
        forward.init(context);
        AvroJson json = new AvroJson();
        // Written as replay's JsonSinks write: streamed, one record a line.
        try (JsonGenerator writer = new JsonFactory().createGenerator(new OutputStreamWriter(
                Files.newOutputStream(out.resolve("passthrough.jsonl")), StandardCharsets.UTF_8))) {
            writer.setRootValueSeparator(null);
            return new InputFiles(serdes).send(in, (topic, key, value) -> {
                Deserializer<? extends SpecificRecord> values = serdes.avro(VALUES.get(topic)).deserializer();
                forward.process(new Record<>(key, values.deserialize(topic, value), 0L));
                try {
                    for (MockProcessorContext.CapturedForward<?, ?> captured : context.forwarded()) {
                        json.write((SpecificRecord) captured.record().value(), writer);
                        writer.writeRaw('\n');
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                context.resetForwards();
            });
        }
    }
}
