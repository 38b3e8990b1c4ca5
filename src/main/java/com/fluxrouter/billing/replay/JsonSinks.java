package com.fluxrouter.billing.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One JSON-lines file per output topic, written in emission order. */
final class JsonSinks implements AutoCloseable {
    /** Output record types and their files, in the order of the files. */
    private static final List<Map.Entry<Class<?>, String>> FILES = List.of(
            Map.entry(PricedRequest.class, "priced.jsonl"),
            Map.entry(OverageUpdate.class, "overage.jsonl"),
            Map.entry(SpendAlert.class, "alerts.jsonl"),
            Map.entry(InvoiceLine.class, "invoice-lines.jsonl"),
            Map.entry(RejectedRecord.class, "rejected.jsonl"),
            Map.entry(SpendStatus.class, "spend-status.jsonl"));

    private final AvroJson json = new AvroJson();
    private final Map<Class<?>, Sink> sinks = new HashMap<>();

    /** One file: records are streamed into it as JSON, one per line. */
    private static final class Sink {
        final JsonGenerator out;
        long count;

        Sink(JsonGenerator out) {
            this.out = out;
        }
    }

    JsonSinks(Path dir) throws IOException {
        Files.createDirectories(dir);
        JsonFactory factory = new JsonFactory();
        for (Map.Entry<Class<?>, String> file : FILES) {
            JsonGenerator out = factory.createGenerator(new OutputStreamWriter(
                    Files.newOutputStream(dir.resolve(file.getValue())), StandardCharsets.UTF_8));
            // Lines end in a newline of our own; no space between records.
            out.setRootValueSeparator(null);
            sinks.put(file.getKey(), new Sink(out));
        }
    }

    void write(SpecificRecord record) {
        Sink sink = sinks.get(record.getClass());
        if (sink == null) {
            throw new IllegalArgumentException("no output file for " + record.getClass().getSimpleName());
        }
        try {
            json.write(record, sink.out);
            sink.out.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sink.count++;
    }

    /** Records written per file, in the order of the files. */
    Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Map.Entry<Class<?>, String> file : FILES) {
            counts.put(file.getValue(), sinks.get(file.getKey()).count);
        }
        return counts;
    }

    @Override
    public void close() throws IOException {
        for (Map.Entry<Class<?>, String> file : FILES) {
            sinks.get(file.getKey()).out.close();
        }
    }
}
