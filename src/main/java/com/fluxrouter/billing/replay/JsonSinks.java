package com.fluxrouter.billing.replay;

import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import org.apache.avro.specific.SpecificRecord;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** One JSON-lines file per output topic, written in emission order. */
final class JsonSinks implements AutoCloseable {
    private static final Map<Class<?>, String> FILES = Map.of(
            PricedRequest.class, "priced.jsonl",
            OverageUpdate.class, "overage.jsonl",
            SpendAlert.class, "alerts.jsonl",
            InvoiceLine.class, "invoice-lines.jsonl",
            RejectedRecord.class, "rejected.jsonl",
            SpendStatus.class, "spend-status.jsonl");

    private final AvroJson json = new AvroJson();
    private final Map<String, BufferedWriter> writers = new LinkedHashMap<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();

    JsonSinks(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String file : new String[] {"priced.jsonl", "overage.jsonl", "alerts.jsonl", "invoice-lines.jsonl",
                "rejected.jsonl", "spend-status.jsonl"}) {
            writers.put(file, Files.newBufferedWriter(dir.resolve(file), StandardCharsets.UTF_8));
            counts.put(file, 0L);
        }
    }

    void write(SpecificRecord record) {
        String file = FILES.get(record.getClass());
        if (file == null) {
            throw new IllegalArgumentException("no output file for " + record.getClass().getSimpleName());
        }
        try {
            BufferedWriter writer = writers.get(file);
            writer.write(json.write(record));
            writer.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        counts.merge(file, 1L, Long::sum);
    }

    /** Records written per file, in the order of the files. */
    Map<String, Long> counts() {
        return new LinkedHashMap<>(counts);
    }

    @Override
    public void close() throws IOException {
        for (BufferedWriter writer : writers.values()) {
            writer.close();
        }
    }
}
