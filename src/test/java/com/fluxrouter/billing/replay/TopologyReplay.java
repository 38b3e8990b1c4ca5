package com.fluxrouter.billing.replay;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.BillingTopology;
import com.fluxrouter.billing.topology.StreamsSettings;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Runs the production topology over JSON-lines files ({@link InputFiles}), in file order, each record produced at
 * its produced_at capped at {@code now} (or at {@code now}), on one partition, and writes every output topic as JSON lines. A line that is not a valid record goes in as its raw
 * bytes and comes out on rejected.jsonl as MALFORMED, exactly as it would live. Same input, same output.
 */
public final class TopologyReplay {
    /** Far enough ahead to close and purge every month, near enough not to overflow the clock arithmetic. */
    private static final Duration CLOSE_ALL = Duration.ofDays(365L * 1000);
    private static final int DRAIN_EVERY = 10_000;

    private final BillingConfig config;
    private final Instant now;
    private final AvroJson json = new AvroJson();
    private final Serdes serdes;

    /** Counts per output file, in the order written. */
    public record Result(long inputs, Map<String, Long> outputs) {
    }

    public TopologyReplay(BillingConfig config, Instant now) {
        this.config = config.with(BillingConfig.STATE_STORES, "in_memory").with(BillingConfig.STATE_CHANGELOGS, "false");
        this.now = now;
        this.serdes = new Serdes(this.config.wireFormat());
    }

    public Result run(Path in, Path out, boolean closeOpenMonths) throws IOException {
        Files.createDirectories(out);
        Path stateDir = Files.createTempDirectory("flux-replay-");
        Properties properties = new Properties();
        properties.putAll(StreamsSettings.of(config));
        properties.putAll(StreamsSettings.forTestDriver());
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(BillingTopology.build(config), properties, now);
             Outputs outputs = new Outputs(driver, out)) {
            Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
            long[] piped = {0};
            long count = new InputFiles(serdes).sendInputs(in, input -> {
                // As replay: produced_at capped at the replay's wall clock, or the wall clock itself.
                Instant producedAt = input.producedAt() == null ? now
                        : Instant.ofEpochMilli(Math.min(input.producedAt(), now.toEpochMilli()));
                inputs.computeIfAbsent(input.topic(), name -> driver.createInputTopic(name, new ByteArraySerializer(),
                        new ByteArraySerializer())).pipeInput(input.key(), input.value(), producedAt);
                if (++piped[0] % DRAIN_EVERY == 0) {
                    outputs.drain();
                }
            });
            outputs.drain();
            if (closeOpenMonths) {
                driver.advanceWallClockTime(CLOSE_ALL);
                // As replay: the new periods the final close starts past now are not written.
                outputs.drainStatusesUpTo(now);
            }
            outputs.drain();
            return new Result(count, outputs.counts());
        } finally {
            deleteRecursively(stateDir);
        }
    }

    /** The output topics, drained to their files as the replay goes so the driver's queues stay small. */
    private final class Outputs implements AutoCloseable {
        private final Map<String, Sink<?>> sinks = new LinkedHashMap<>();

        Outputs(TopologyTestDriver driver, Path out) throws IOException {
            add(driver, out, Topics.PRICED, "priced.jsonl", PricedRequest.class);
            add(driver, out, Topics.OVERAGE, "overage.jsonl", OverageUpdate.class);
            add(driver, out, Topics.ALERTS, "alerts.jsonl", SpendAlert.class);
            add(driver, out, Topics.INVOICE_LINES, "invoice-lines.jsonl", InvoiceLine.class);
            add(driver, out, Topics.REJECTED, "rejected.jsonl", RejectedRecord.class);
            add(driver, out, Topics.SPEND_STATUS, "spend-status.jsonl", SpendStatus.class);
        }

        private <T extends SpecificRecord> void add(TopologyTestDriver driver, Path out, String topic, String file,
                                                    Class<T> type) throws IOException {
            TestOutputTopic<byte[], T> output = driver.createOutputTopic(topic, new ByteArrayDeserializer(),
                    serdes.avro(type).deserializer());
            sinks.put(file, new Sink<>(output, Files.newBufferedWriter(out.resolve(file), StandardCharsets.UTF_8)));
        }

        void drain() {
            sinks.values().forEach(sink -> sink.drain(record -> true));
        }

        /** Drains every topic, spend statuses as of after {@code upTo} left out. */
        void drainStatusesUpTo(Instant upTo) {
            sinks.values().forEach(sink -> sink.drain(record -> !(record instanceof SpendStatus status)
                    || !status.getAsOf().isAfter(upTo)));
        }

        Map<String, Long> counts() {
            Map<String, Long> counts = new LinkedHashMap<>();
            sinks.forEach((file, sink) -> counts.put(file, sink.written));
            return counts;
        }

        @Override
        public void close() throws IOException {
            for (Sink<?> sink : sinks.values()) {
                sink.writer.close();
            }
        }
    }

    private final class Sink<T extends SpecificRecord> {
        private final TestOutputTopic<byte[], T> topic;
        private final BufferedWriter writer;
        private long written;

        Sink(TestOutputTopic<byte[], T> topic, BufferedWriter writer) {
            this.topic = topic;
            this.writer = writer;
        }

        void drain(java.util.function.Predicate<SpecificRecord> kept) {
            List<T> records = topic.isEmpty() ? List.of() : topic.readValuesToList();
            try {
                for (T record : records) {
                    if (!kept.test(record)) {
                        continue;
                    }
                    writer.write(json.write(record));
                    writer.write('\n');
                    written++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.toList());
            java.util.Collections.reverse(all);
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        }
    }
}
