package com.fluxrouter.billing.it;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.local.Pipeline;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.replay.AvroJson;
import com.fluxrouter.billing.replay.InputFiles;
import com.fluxrouter.billing.replay.TopologyReplay;
import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.serde.IncompatibleSchemaException;
import com.fluxrouter.billing.serde.RegistryFraming;
import com.fluxrouter.billing.serde.SchemaRegistration;
import com.fluxrouter.billing.serde.SchemaRegistryClient;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.TopicSchemas;
import com.fluxrouter.billing.topology.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The registry wire format against a real schema registry server (Apicurio Registry 2.4.2 through its
 * Confluent-compatible API) and a real KRaft broker with exactly_once_v2: the pipeline bills the sample traffic
 * exactly as the single-object topology does, its output carries magic byte 0 and ids the registry resolves, a
 * third-party deserializer (Apicurio's, in Confluent mode) reads it with read_committed, a missing subject stops
 * the start when the pipeline may not register, and the registry refuses a schema that breaks BACKWARD.
 */
@WithBroker(partitions = 1, registry = true)
class RegistryPipelineIT {
    private static final Path EXAMPLES = Path.of("examples");
    private static final Instant NOW = Instant.parse("2026-11-27T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Key and value types of the topics records are rejected from, to compare their original bytes. */
    private static final Map<String, List<Class<? extends SpecificRecord>>> SOURCE_TYPES = Map.of(
            Topics.ROUTED, List.of(RoutedRequest.class),
            Topics.MODELS, List.of(ModelLane.class),
            Topics.RATES, List.of(LaneRateKey.class, LaneRate.class),
            Topics.PLANS, List.of(AccountPlanKey.class, AccountPlan.class));

    private static SchemaRegistryServer server;
    private static SchemaRegistryClient registry;
    /** One partition per topic: the topology replay it is compared with runs as one partition. */
    private static EmbeddedKafka kafka;
    /** Sent last: not in the registry format, so rejected MALFORMED, billing nothing. */
    private static final byte[] SENTINEL = "sentinel: not a record".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path tmp;

    /** Apicurio's deserializer of values, a third party's view of what the pipeline wrote. */
    private static Deserializer<Object> apicurioValues;

    @BeforeAll
    static void connectToTheRegistry() {
        registry = new SchemaRegistryClient(server.url(), null, Duration.ofSeconds(10));
        apicurioValues = apicurioDeserializer(false);
    }

    @Test
    void withoutAutoRegistrationTheStartIsRefusedUntilTheSchemasAreRegisteredThenBillsLikeSingleObject() throws Exception {
        BillingConfig config = liveConfig(false);
        assertThatThrownBy(() -> new Pipeline(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(server.url())
                .hasMessageContaining("flux.usage.overage-key")
                .hasMessageContaining("flux.invoice.lines-value")
                .hasMessageContaining("bin/flux-billing schemas");

        // What `bin/flux-billing schemas` does.
        Map<String, Integer> ids = SchemaRegistration.registerAll(registry, TopicSchemas.all());
        assertThat(ids).hasSize(15);
        ids.keySet().forEach(subject -> assertThat(registry.compatibility(subject)).as(subject).contains("BACKWARD"));

        Path expected = tmp.resolve("replay");
        new TopologyReplay(BillingConfig.defaults(), NOW).run(EXAMPLES, expected, false);
        List<ProducerRecord<byte[], byte[]>> catalogAndPlans = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> requests = new ArrayList<>();
        new InputFiles(Serdes.of(config)).send(EXAMPLES, (topic, key, value) ->
                (topic.equals(Topics.ROUTED) ? requests : catalogAndPlans)
                        .add(new ProducerRecord<>(topic, null, NOW.toEpochMilli(), key, value)));

        try (Pipeline pipeline = new Pipeline(config).start();
             KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            catalogAndPlans.forEach(producer::send);
            producer.flush();
            pipeline.awaitEntries(CatalogFlow.MODELS_STORE, 6, TIMEOUT);
            pipeline.awaitEntries(CatalogFlow.RATES_STORE, 3, TIMEOUT);
            pipeline.awaitEntries(PlanFlow.PUBLICATIONS_STORE, 3, TIMEOUT);
            requests.forEach(producer::send);
            producer.send(new ProducerRecord<>(Topics.ROUTED, null, NOW.toEpochMilli(), null, SENTINEL));
            producer.flush();
            // The sentinel is the last input: once its rejection is committed, so is every output of the records
            // before it (outputs commit with their inputs, in input order on one partition).
            kafka.awaitCommitted(Topics.REJECTED, records -> records.stream().anyMatch(RegistryPipelineIT::isSentinel),
                    TIMEOUT);

            assertSameRecords(expected, "priced.jsonl", Topics.PRICED, PricedRequest.class, false);
            assertSameRecords(expected, "overage.jsonl", Topics.OVERAGE, OverageUpdate.class, true);
            assertSameRecords(expected, "alerts.jsonl", Topics.ALERTS, SpendAlert.class, true);
            assertSameRecords(expected, "invoice-lines.jsonl", Topics.INVOICE_LINES, InvoiceLine.class, true);
            assertSameRejections(expected);
        }
    }

    @Test
    void autoRegistrationRegistersANewSubjectUnderBackwardAndFramesTheRecord() throws Exception {
        Serdes serdes = Serdes.of(registryConfig(true));
        SpendAlert alert = sampleAlert();

        byte[] bytes = serdes.avro(SpendAlert.class).serializer().serialize("it.auto", alert);

        assertThat(bytes[0]).isEqualTo(RegistryFraming.MAGIC);
        int id = RegistryFraming.schemaId(bytes);
        assertThat(registry.schemaById(id)).isEqualTo(SpendAlert.getClassSchema());
        assertThat(registry.idOf("it.auto-value", SpendAlert.getClassSchema())).contains(id);
        assertThat(registry.compatibility("it.auto-value")).contains("BACKWARD");
        assertThat(serdes.avro(SpendAlert.class).deserializer().deserialize("it.auto", bytes)).isEqualTo(alert);
        assertThat(apicurioDeserializer(false).deserialize("it.auto", bytes)).isEqualTo(alert);
    }

    @Test
    void theRegistryRefusesASchemaThatOldRecordsCannotBeReadWith() {
        String subject = "it.incompatible-value";
        SchemaRegistration.register(registry, subject, OverageUpdate.getClassSchema());
        // A new required field without a default: a reader on it cannot read what the registered version wrote.
        Schema breaking = withField(OverageUpdate.getClassSchema(), new Schema.Field("po_number",
                Schema.create(Schema.Type.STRING), "purchase order"));

        assertThatThrownBy(() -> SchemaRegistration.register(registry, subject, breaking))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining(subject);
        assertThat(registry.idOf(subject, breaking)).isEmpty();
    }

    @Test
    void aConsumerOnTheCurrentSchemaReadsRecordsOfANewerOne() throws Exception {
        String topic = "it.evolved";
        Serdes serdes = Serdes.of(registryConfig(true));
        InvoiceLine line = sampleLine();
        serdes.avro(InvoiceLine.class).serializer().serialize(topic, line);
        // The next release adds an optional field with a default: BACKWARD lets it in.
        Schema evolved = withField(InvoiceLine.getClassSchema(), new Schema.Field("purchase_order",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "the customer's purchase order", Schema.Field.NULL_DEFAULT_VALUE));
        int id = SchemaRegistration.register(registry, topic + "-value", evolved);
        GenericRecord newer = new GenericData.Record(evolved);
        InvoiceLine.getClassSchema().getFields().forEach(field -> newer.put(field.name(), line.get(field.pos())));
        newer.put("purchase_order", "PO-7");

        byte[] bytes = frame(id, evolved, newer);

        assertThat(serdes.avro(InvoiceLine.class).deserializer().deserialize(topic, bytes)).isEqualTo(line);
    }

    @Test
    void bytesInAnotherFormatAreRejectedAsMalformedNotRetried() {
        Serdes serdes = Serdes.of(registryConfig(true));
        byte[] singleObject = new Serdes(WireFormat.SINGLE_OBJECT).avro(SpendAlert.class).serializer()
                .serialize(Topics.ALERTS, sampleAlert());

        assertThatThrownBy(() -> serdes.avro(SpendAlert.class).deserializer().deserialize(Topics.ALERTS, singleObject))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("magic byte 0");
        assertThatThrownBy(() -> serdes.avro(SpendAlert.class).deserializer()
                .deserialize(Topics.ALERTS, RegistryFraming.header(987_654)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("987654");
    }

    /** Compares the topic's committed values, read by Apicurio's deserializer, with replay's file; checks the framing. */
    private static <T extends SpecificRecord> void assertSameRecords(Path replayDir, String file, String topic,
                                                                     Class<T> type, boolean avroKey) throws Exception {
        List<String> expected = Files.readAllLines(replayDir.resolve(file));
        AvroJson json = new AvroJson();
        Deserializer<Object> values = apicurioDeserializer(false);
        Deserializer<Object> keys = apicurioDeserializer(true);
        List<String> actual = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.committed(topic)) {
            assertFramedWith(record.value(), type);
            if (avroKey) {
                assertFramedWith(record.key(), AccountMonthKey.class);
                assertThat(keys.deserialize(topic, record.key())).isInstanceOf(AccountMonthKey.class);
            }
            actual.add(json.write((SpecificRecord) values.deserialize(topic, record.value())));
        }
        assertThat(actual).as(topic).containsExactlyInAnyOrderElementsOf(expected);
    }

    /**
     * Rejections carry the original bytes, which differ between formats: they are decoded from the registry format
     * and re-encoded single-object before comparing. A MALFORMED record's detail is its deserializer's complaint,
     * which differs too; everything else must be equal.
     */
    private static void assertSameRejections(Path replayDir) throws Exception {
        AvroJson json = new AvroJson();
        List<String> expected = new ArrayList<>();
        for (String line : Files.readAllLines(replayDir.resolve("rejected.jsonl"))) {
            expected.add(json.write(comparable(json.read(line, RejectedRecord.class))));
        }
        Serdes registryFormat = Serdes.of(registryConfig(false));
        Serdes singleObject = new Serdes(WireFormat.SINGLE_OBJECT);
        Deserializer<Object> apicurio = apicurioDeserializer(false);
        List<String> actual = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> records = kafka.committed(Topics.REJECTED);
        assertThat(records).as("the sentinel's rejection, once and last").isNotEmpty()
                .filteredOn(RegistryPipelineIT::isSentinel).containsExactly(records.get(records.size() - 1));
        for (ConsumerRecord<byte[], byte[]> record : records.subList(0, records.size() - 1)) {
            assertFramedWith(record.value(), RejectedRecord.class);
            RejectedRecord rejected = (RejectedRecord) apicurio.deserialize(Topics.REJECTED, record.value());
            // flux.requests.routed stamps records with the broker's append time; replay produced them at NOW.
            assertThat(rejected.getSourceTimestamp()).isAfterOrEqualTo(NOW);
            rejected.setSourceTimestamp(NOW);
            if (!rejected.getReason().equals("MALFORMED")) {
                List<Class<? extends SpecificRecord>> types = SOURCE_TYPES.get(rejected.getSourceTopic());
                String topic = rejected.getSourceTopic();
                if (types.size() == 2) {
                    rejected.setOriginalKey(reencode(rejected.getOriginalKey(), topic, types.get(0), registryFormat, singleObject));
                }
                rejected.setOriginalValue(reencode(rejected.getOriginalValue(), topic, types.get(types.size() - 1),
                        registryFormat, singleObject));
            }
            actual.add(json.write(comparable(rejected)));
        }
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(actual).anyMatch(line -> line.contains("\"reason\":\"MALFORMED\""));
    }

    private static boolean isSentinel(ConsumerRecord<byte[], byte[]> rejected) {
        RejectedRecord record = (RejectedRecord) apicurioValues.deserialize(Topics.REJECTED, rejected.value());
        return record.getOriginalValue() != null && record.getOriginalValue().equals(ByteBuffer.wrap(SENTINEL));
    }

    private static RejectedRecord comparable(RejectedRecord rejected) {
        if (rejected.getReason().equals("MALFORMED")) {
            assertThat(rejected.getDetail()).isNotBlank();
            rejected.setDetail("(the deserializer's complaint)");
        }
        return rejected;
    }

    private static <T extends SpecificRecord> ByteBuffer reencode(ByteBuffer original, String topic, Class<T> type,
                                                                  Serdes from, Serdes to) {
        if (original == null) {
            return null;
        }
        byte[] bytes = new byte[original.remaining()];
        original.duplicate().get(bytes);
        T record = from.avro(type).deserializer().deserialize(topic, bytes);
        return ByteBuffer.wrap(to.avro(type).serializer().serialize(topic, record));
    }

    private static void assertFramedWith(byte[] bytes, Class<? extends SpecificRecord> type) {
        assertThat(bytes[0]).isEqualTo(RegistryFraming.MAGIC);
        assertThat(registry.schemaById(RegistryFraming.schemaId(bytes))).isEqualTo(SpecificData.get().getSchema(type));
    }

    @SuppressWarnings("resource")
    private static Deserializer<Object> apicurioDeserializer(boolean key) {
        AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>();
        Map<String, Object> settings = new HashMap<>();
        settings.put("apicurio.registry.url", server.url().replace("/apis/ccompat/v7", "/apis/registry/v2"));
        settings.put("apicurio.registry.as-confluent", true);
        settings.put("apicurio.registry.use-id", "contentId");
        settings.put("apicurio.registry.headers.enabled", false);
        settings.put("apicurio.registry.use-specific-avro-reader", true);
        deserializer.configure(settings, key);
        return deserializer;
    }

    private static byte[] frame(int id, Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(RegistryFraming.header(id));
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        // The generated class's model knows the decimal and timestamp conversions.
        new GenericDatumWriter<GenericRecord>(schema, SpecificData.getForClass(InvoiceLine.class)).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Schema withField(Schema schema, Schema.Field added) {
        List<Schema.Field> fields = new ArrayList<>();
        schema.getFields().forEach(field -> fields.add(new Schema.Field(field, field.schema())));
        fields.add(added);
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    private static SpendAlert sampleAlert() {
        return SpendAlert.newBuilder().setAccountId("acct-1").setBillingMonth("2026-11").setAlert("CREDIT_50")
                .setUsageUsd(new BigDecimal("5.000000000")).setThresholdUsd(new BigDecimal("5.000000000"))
                .setAt(NOW).setRequestId("req-1").build();
    }

    private static InvoiceLine sampleLine() {
        return InvoiceLine.newBuilder().setAccountId("acct-1").setBillingMonth("2026-11").setLineType("LANE")
                .setLane("EXPRESS").setRequests(3).setInputTokens(1200).setOutputTokens(300)
                .setAmountUsd(new BigDecimal("0.001500000")).setAmountDueUsd(null).setSupplemental(false)
                .setInvoiceSet(1).build();
    }

    private static BillingConfig liveConfig(boolean autoRegister) throws Exception {
        Map<String, String> settings = new HashMap<>(registryConfig(autoRegister).settings());
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "flux-billing-it-registry");
        settings.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(tmp, "state").toString());
        settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        return BillingConfig.of(settings);
    }

    private static BillingConfig registryConfig(boolean autoRegister) {
        return BillingConfig.of(Map.of(
                BillingConfig.WIRE_FORMAT, "registry",
                BillingConfig.SCHEMA_REGISTRY_URL, server.url(),
                BillingConfig.SCHEMA_REGISTRY_AUTO_REGISTER, Boolean.toString(autoRegister)));
    }
}
