package com.fluxrouter.billing.serde;

import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.state.LaneUsage;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.fluxrouter.billing.topology.TopicSchemas;
import org.apache.avro.Conversions;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every schema the pipeline writes or keeps stays readable across releases (docs/operations.md, "Evolving a
 * schema"). For each schema in {@code schemas/} (the contract) and {@code schemas/internal/} (the pipeline's state):
 * every released version is kept in {@code src/main/resources/schemas/history/<Record>/vN.avsc}, the latest kept one
 * is the current schema, the current schema reads every kept version (BACKWARD, Avro's own compatibility check), and
 * the production single-object serde decodes bytes written with each kept version into the current class.
 */
class SchemaEvolutionTest {
    private static final Path CONTRACT = Path.of("schemas");
    private static final Path INTERNAL = CONTRACT.resolve("internal");
    private static final Path HISTORY = Path.of("src/main/resources").resolve(SchemaHistory.ROOT);
    /** Types other schemas reference: parsed first (the same order as the imports of pom.xml's avro-maven-plugin). */
    private static final List<Path> REFERENCED_FIRST = List.of(INTERNAL.resolve("LaneUsage.avsc"),
            CONTRACT.resolve("AccountPlan.avsc"));
    private static final String STATE_NAMESPACE = "com.fluxrouter.billing.schema.state";

    // ---- the folders: the contract apart from the state ----

    @Test
    void theContractFolderHoldsExactlyTheRecordsOfThePublicTopics() throws IOException {
        Set<String> published = TopicSchemas.all().values().stream().map(Schema::getFullName).collect(Collectors.toSet());
        Set<String> contract = current().values().stream().filter(schema -> !isState(schema))
                .map(Schema::getFullName).collect(Collectors.toSet());
        assertThat(contract).isEqualTo(published);
        assertThat(avsc(CONTRACT)).allSatisfy(file -> assertThat(isState(schemaOf(file, current())))
                .as("%s is a contract record, not state", file).isFalse());
    }

    @Test
    void theInternalFolderHoldsOnlyStateRecords() throws IOException {
        assertThat(avsc(INTERNAL)).extracting(file -> file.getFileName().toString())
                .containsExactlyInAnyOrder("LaneUsage.avsc", "MonthLedger.avsc", "PlanHistory.avsc",
                        "PlanPublications.avsc");
        assertThat(avsc(INTERNAL)).allSatisfy(file -> assertThat(isState(schemaOf(file, current())))
                .as("%s is in the state namespace", file).isTrue());
    }

    // ---- the history: every version kept, the latest one current ----

    @Test
    void everySchemaHasItsReleasedVersionsKeptAsV1ToVnWithoutGaps() throws IOException {
        Map<String, Schema> current = current();
        assertThat(current).hasSize(17);
        for (String name : current.keySet()) {
            Path folder = HISTORY.resolve(name);
            assertThat(folder).as("kept versions of %s", name).isDirectory();
            List<String> files = avsc(folder).stream().map(file -> file.getFileName().toString()).sorted().toList();
            List<String> contiguous = IntStream.rangeClosed(1, files.size()).mapToObj(v -> "v" + v + ".avsc").sorted().toList();
            assertThat(files).as("kept versions of %s", name).isNotEmpty().isEqualTo(contiguous);
            // What the production serde loads from the classpath is what the folder holds.
            assertThat(SchemaHistory.versions(name)).hasSize(files.size());
        }
        try (Stream<Path> folders = Files.list(HISTORY)) {
            assertThat(folders.map(folder -> folder.getFileName().toString()))
                    .as("history of a schema no longer in schemas/").allMatch(current::containsKey);
        }
    }

    @Test
    void everyKeptVersionIsTheFullSchemaOfItsRecord() throws IOException {
        for (Map.Entry<String, Schema> entry : current().entrySet()) {
            for (Schema kept : SchemaHistory.versions(entry.getKey())) {
                assertThat(kept.getFullName()).isEqualTo(entry.getValue().getFullName());
            }
        }
    }

    @Test
    void everySchemaIsItsLatestKeptVersion() throws IOException {
        for (Map.Entry<String, Schema> entry : current().entrySet()) {
            String name = entry.getKey();
            List<Schema> kept = SchemaHistory.versions(name);
            Schema latest = kept.get(kept.size() - 1);
            assertThat(entry.getValue())
                    .as("%s differs from its latest kept version v%d: keep the released one and add this one as %s%n%s",
                            name, kept.size(), SchemaHistory.resource(name, kept.size() + 1), entry.getValue().toString(true))
                    .isEqualTo(latest);
            // The generated class writes the latest kept version's fingerprint.
            Schema generated = SpecificData.get().getSchema(SpecificData.get().getClass(entry.getValue()));
            assertThat(SchemaNormalization.parsingFingerprint64(generated))
                    .as("fingerprint of the generated %s", name)
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(latest));
        }
    }

    // ---- compatibility: the current schema reads every kept version ----

    @Test
    void everyCurrentSchemaReadsEveryKeptVersion() throws IOException {
        for (Map.Entry<String, Schema> entry : current().entrySet()) {
            List<Schema> kept = SchemaHistory.versions(entry.getKey());
            for (int version = 1; version <= kept.size(); version++) {
                var result = SchemaCompatibility.checkReaderWriterCompatibility(entry.getValue(), kept.get(version - 1))
                        .getResult();
                assertThat(result.getCompatibility())
                        .as("%s reads its kept v%d: %s", entry.getKey(), version, result.getIncompatibilities())
                        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    @Test
    void theProductionSerdeDecodesBytesOfEveryKeptVersionIntoTheCurrentClass() throws IOException {
        Serdes serdes = new Serdes(WireFormat.SINGLE_OBJECT);
        for (String name : current().keySet()) {
            List<Schema> kept = SchemaHistory.versions(name);
            for (int version = 1; version <= kept.size(); version++) {
                Schema writer = kept.get(version - 1);
                GenericRecord written = Samples.record(writer, new int[]{version * 1000});
                byte[] bytes = Samples.singleObject(written);
                @SuppressWarnings("unchecked")
                Class<SpecificRecord> type = (Class<SpecificRecord>) SpecificData.get().getClass(writer);
                SpecificRecord read = serdes.internal(type).deserializer().deserialize("any-topic", bytes);
                assertThat(read).as("%s v%d", name, version).isInstanceOf(type);
                Samples.assertResolved(name + " v" + version, written, read);
                // The contract serde (what reads the input topics) resolves the same way.
                SpecificRecord readAsInput = serdes.avro(type).deserializer().deserialize("any-topic", bytes);
                Samples.assertResolved(name + " v" + version + " (contract serde)", written, readAsInput);
            }
        }
    }

    // ---- a future change: MonthLedger v2 with a defaulted field ----

    @Test
    void theNextMonthLedgerWithADefaultedFieldReadsTodaysStateAndItsOwn() {
        Schema v2 = withField(MonthLedger.getClassSchema(), new Schema.Field("discount_nanos",
                Schema.create(Schema.Type.LONG), "A discount of the month, nano-dollars.", 0L));
        List<Schema> keptByV2 = new ArrayList<>(SchemaHistory.versions("MonthLedger"));
        keptByV2.add(v2);
        assertThat(keptByV2).allSatisfy(writer -> assertThat(
                SchemaCompatibility.checkReaderWriterCompatibility(v2, writer).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE));

        // State written by today's release through the production serde...
        MonthLedger today = sampleLedger();
        byte[] todaysBytes = new Serdes(WireFormat.SINGLE_OBJECT).internal(MonthLedger.class).serializer()
                .serialize("flux-billing-account-months-changelog", today);
        // ...read by the next release's serde (the same machinery over v2 and its history).
        SingleObjectSerde<GenericRecord> next = new SingleObjectSerde<>(Samples.MODEL, v2, keptByV2);
        GenericRecord upgraded = next.deserializer().deserialize("flux-billing-account-months-changelog", todaysBytes);
        assertThat(upgraded.get("discount_nanos")).isEqualTo(0L);
        assertThat(upgraded.get("account_id")).hasToString("acct-7");
        assertThat(upgraded.get("overage_nanos")).isEqualTo(1_250_000_000L);
        assertThat(upgraded.get("ceiling_nanos")).isNull();
        List<?> lanes = (List<?>) upgraded.get("lanes");
        assertThat(lanes).hasSize(1);
        assertThat(((GenericRecord) lanes.get(0)).get("amount_nanos")).isEqualTo(3_250_000_000L);

        // The next release writes v2 and reads it back on the fast path.
        upgraded.put("discount_nanos", 500_000_000L);
        byte[] v2Bytes = next.serializer().serialize("t", upgraded);
        assertThat(Samples.fingerprint(v2Bytes)).isEqualTo(SchemaNormalization.parsingFingerprint64(v2));
        assertThat(next.deserializer().deserialize("t", v2Bytes)).isEqualTo(upgraded);

        // Rolling back after v2 state exists: today's release does not know v2 and refuses its bytes.
        assertThatThrownBy(() -> new Serdes(WireFormat.SINGLE_OBJECT).internal(MonthLedger.class).deserializer()
                .deserialize("t", v2Bytes)).isInstanceOf(SerializationException.class);
    }

    @Test
    void bytesOfASchemaThatIsNotKeptAreRefused() {
        Schema unknown = withField(LaneUsage.getClassSchema(), new Schema.Field("note",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)), null,
                Schema.Field.NULL_DEFAULT_VALUE));
        byte[] bytes = Samples.singleObject(Samples.record(unknown, new int[]{1}));
        assertThatThrownBy(() -> new Serdes(WireFormat.SINGLE_OBJECT).internal(LaneUsage.class).deserializer()
                .deserialize("t", bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("LaneUsage");
    }

    // ---- consumers of the contract on an older schema (single-object format) ----

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
        return withField(InvoiceLine.getClassSchema(), new Schema.Field("purchase_order",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "the customer's purchase order", Schema.Field.NULL_DEFAULT_VALUE));
    }

    static InvoiceLine sampleLine() {
        return InvoiceLine.newBuilder().setAccountId("acct-1").setBillingMonth("2026-11").setLineType("LANE")
                .setLane("EXPRESS").setRequests(3).setInputTokens(1200).setOutputTokens(300)
                .setAmountUsd(new BigDecimal("0.001500000")).setAmountDueUsd(null).setSupplemental(false)
                .setInvoiceSet(1).build();
    }

    private static MonthLedger sampleLedger() {
        LaneUsage express = LaneUsage.newBuilder().setLane("EXPRESS").setRequests(2).setInputTokens(3_000_000)
                .setOutputTokens(250_000).setAmountNanos(3_250_000_000L).build();
        return MonthLedger.newBuilder().setAccountId("acct-7").setBillingMonth("2026-10").setTimeZone("Z")
                .setCloseAt(1_762_041_600_000L).setLanes(List.of(express)).setCreditNanos(2_000_000_000L)
                .setCeilingNanos(null).setOverageNanos(1_250_000_000L).setAlertsFired(7).setClosed(false)
                .setInvoicedLanes(List.of()).setInvoiceSets(0).build();
    }

    /** A copy of a record schema with one field more (same name and namespace: its next version). */
    private static Schema withField(Schema schema, Schema.Field added) {
        List<Schema.Field> fields = new ArrayList<>();
        schema.getFields().forEach(field -> fields.add(new Schema.Field(field, field.schema())));
        fields.add(added);
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    // ---- reading the folders ----

    private static boolean isState(Schema schema) {
        return STATE_NAMESPACE.equals(schema.getNamespace());
    }

    private static List<Path> avsc(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".avsc")).sorted().toList();
        }
    }

    /** Every schema of schemas/ and schemas/internal/ by record name, parsed as the build parses them. */
    static Map<String, Schema> current() throws IOException {
        Schema.Parser parser = new Schema.Parser();
        List<Path> order = new ArrayList<>(REFERENCED_FIRST);
        Stream.concat(avsc(CONTRACT).stream(), avsc(INTERNAL).stream())
                .filter(file -> !REFERENCED_FIRST.contains(file)).forEach(order::add);
        Map<String, Schema> schemas = new TreeMap<>();
        for (Path file : order) {
            Schema schema = parser.parse(file.toFile());
            assertThat(file.getFileName().toString()).as("file of %s", schema.getName()).isEqualTo(schema.getName() + ".avsc");
            schemas.put(schema.getName(), schema);
        }
        return schemas;
    }

    /** The schema a file holds, by its file name (current() checks that the two agree). */
    private static Schema schemaOf(Path file, Map<String, Schema> known) {
        String name = file.getFileName().toString().replace(".avsc", "");
        return known.get(name);
    }

    /** Sample records of any schema, written in the single-object format, and the check of what a reader resolved. */
    static final class Samples {
        static final GenericData MODEL = new GenericData();

        static {
            MODEL.addLogicalTypeConversion(new Conversions.DecimalConversion());
            MODEL.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        }

        private Samples() {
        }

        /** A record of {@code schema} whose every field has a value of its own (a counter), nested records included. */
        static GenericRecord record(Schema schema, int[] counter) {
            GenericRecord record = new GenericData.Record(schema);
            for (Schema.Field field : schema.getFields()) {
                record.put(field.name(), value(field.schema(), counter));
            }
            return record;
        }

        private static Object value(Schema schema, int[] counter) {
            int n = ++counter[0];
            if (schema.getLogicalType() instanceof LogicalTypes.Decimal decimal) {
                return BigDecimal.valueOf(n * 1_000_003L, decimal.getScale());
            }
            if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                return Instant.ofEpochMilli(1_760_000_000_000L + n);
            }
            return switch (schema.getType()) {
                case STRING -> "s" + n;
                case LONG -> 10_000_000_000L + n;
                case INT -> n;
                case BOOLEAN -> n % 2 == 0;
                case BYTES -> ByteBuffer.wrap(new byte[]{(byte) n, 0, (byte) 0xff});
                case RECORD -> record(schema, counter);
                case ARRAY -> List.of(value(schema.getElementType(), counter), value(schema.getElementType(), counter));
                // A union's last branch: the non-null one in every schema of the project.
                case UNION -> value(schema.getTypes().get(schema.getTypes().size() - 1), counter);
                default -> throw new IllegalArgumentException("no sample for " + schema);
            };
        }

        /** The record in Avro's single-object encoding, with its own schema's fingerprint. */
        static byte[] singleObject(GenericRecord record) {
            try {
                ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(MODEL, record.getSchema()).encode(record);
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        static long fingerprint(byte[] singleObject) {
            return ByteBuffer.wrap(singleObject, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        }

        /**
         * What a reader resolved from {@code written}: every field of the reader's schema holds the written value
         * (exact for money) or, for a field the writer did not have, its default.
         */
        static void assertResolved(String what, IndexedRecord written, IndexedRecord read) {
            Schema writer = written.getSchema();
            for (Schema.Field field : read.getSchema().getFields()) {
                Schema.Field source = writer.getField(field.name());
                Object actual = read.get(field.pos());
                if (source == null) {
                    Object expected = field.defaultVal() == JsonProperties.NULL_VALUE ? null : field.defaultVal();
                    assertThat(actual).as("%s.%s (default)", what, field.name()).isEqualTo(expected);
                    continue;
                }
                assertValue(what + "." + field.name(), written.get(source.pos()), actual);
            }
        }

        private static void assertValue(String what, Object expected, Object actual) {
            if (expected instanceof IndexedRecord nested) {
                assertThat(actual).as(what).isInstanceOf(IndexedRecord.class);
                assertResolved(what, nested, (IndexedRecord) actual);
            } else if (expected instanceof Collection<?> items) {
                assertThat(actual).as(what).isInstanceOf(List.class);
                List<?> actualItems = (List<?>) actual;
                assertThat(actualItems).as(what).hasSameSizeAs(items);
                int i = 0;
                for (Object item : items) {
                    assertValue(what + "[" + i + "]", item, actualItems.get(i++));
                }
            } else if (expected instanceof BigDecimal money) {
                assertThat((BigDecimal) actual).as(what).isEqualByComparingTo(money);
            } else {
                assertThat(actual).as(what).isEqualTo(expected);
            }
        }
    }
}
