package com.fluxrouter.billing.serde;

import com.fluxrouter.billing.schema.InvoiceLine;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Schema evolution is safe: every schema in schemas/ reads what its previous released version wrote (BACKWARD, the
 * level the registry enforces), and a consumer still on the current schema reads records written with a newer one
 * that adds an optional field, in the single-object format (the registry format's case runs in RegistryPipelineIT).
 */
class SchemaEvolutionTest {
    private static final Path CURRENT = Path.of("schemas");
    /** The schemas as released before the registry format (main at 2eb9db8); the next release adds a v2 here. */
    private static final Path RELEASED = Path.of("src/test/resources/schemas/v1");
    /** Types other schemas reference: parsed first. */
    private static final List<String> REFERENCED_FIRST = List.of("LaneUsage.avsc", "AccountPlan.avsc");

    @Test
    void everySchemaHasItsPreviousReleasedVersion() throws IOException {
        assertThat(files(RELEASED)).containsAll(files(CURRENT));
    }

    @Test
    void everyCurrentSchemaReadsWhatItsReleasedVersionWrote() throws IOException {
        Map<String, Schema> current = parse(CURRENT);
        Map<String, Schema> released = parse(RELEASED);
        assertThat(current).isNotEmpty();
        current.forEach((file, reader) -> {
            Schema writer = released.get(file);
            assertThat(writer).as("released version of %s", file).isNotNull();
            var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
            assertThat(result.getCompatibility()).as("%s reads its released version: %s", file,
                    result.getIncompatibilities()).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        });
    }

    @Test
    void anOptionalFieldWithADefaultIsABackwardAndForwardCompatibleChange() {
        Schema evolved = evolvedInvoiceLine();
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(evolved, InvoiceLine.getClassSchema()).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(InvoiceLine.getClassSchema(), evolved).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void aSingleObjectConsumerOnTheOlderSchemaReadsNewerRecordsOnceItKnowsTheWriterSchema() throws IOException {
        Schema evolved = evolvedInvoiceLine();
        InvoiceLine line = sampleLine();
        GenericRecord newer = new GenericData.Record(evolved);
        InvoiceLine.getClassSchema().getFields().forEach(field -> newer.put(field.name(), line.get(field.pos())));
        newer.put("purchase_order", "PO-7");
        SpecificData model = SpecificData.getForClass(InvoiceLine.class);
        ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(model, evolved).encode(newer);

        SchemaStore.Cache writers = new SchemaStore.Cache();
        writers.addSchema(evolved);
        BinaryMessageDecoder<InvoiceLine> oldConsumer =
                new BinaryMessageDecoder<>(model, InvoiceLine.getClassSchema(), writers);
        assertThat(oldConsumer.decode(bytes.duplicate())).isEqualTo(line);

        // The fingerprint alone does not carry the schema: without the writer schema the consumer cannot read it.
        BinaryMessageDecoder<InvoiceLine> unaware = new BinaryMessageDecoder<>(model, InvoiceLine.getClassSchema());
        assertThatThrownBy(() -> unaware.decode(bytes.duplicate())).isInstanceOf(MissingSchemaException.class);
    }

    /** The next release's InvoiceLine as a test-only evolution: a new optional field with a null default. */
    static Schema evolvedInvoiceLine() {
        Schema current = InvoiceLine.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        current.getFields().forEach(field -> fields.add(new Schema.Field(field, field.schema())));
        fields.add(new Schema.Field("purchase_order",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "the customer's purchase order", Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    static InvoiceLine sampleLine() {
        return InvoiceLine.newBuilder().setAccountId("acct-1").setBillingMonth("2026-11").setLineType("LANE")
                .setLane("EXPRESS").setRequests(3).setInputTokens(1200).setOutputTokens(300)
                .setAmountUsd(new BigDecimal("0.001500000")).setAmountDueUsd(null).setSupplemental(false)
                .setInvoiceSet(1).build();
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> paths = Files.list(dir)) {
            return paths.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".avsc")).sorted().toList();
        }
    }

    /** Every schema file of a directory by file name, parsed with one parser so references resolve. */
    private static Map<String, Schema> parse(Path dir) throws IOException {
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> schemas = new TreeMap<>();
        List<String> order = new ArrayList<>(REFERENCED_FIRST);
        files(dir).stream().filter(name -> !REFERENCED_FIRST.contains(name)).forEach(order::add);
        for (String file : order) {
            schemas.put(file, parser.parse(dir.resolve(file).toFile()));
        }
        return schemas;
    }
}
