package com.fluxrouter.billing.serde;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One generated record class in the schema-registry wire format ({@link RegistryFraming}), under the subject
 * {@code <topic>-key} or {@code <topic>-value} (TopicNameStrategy). Writing looks the class's schema up under the
 * subject once per subject and registers it there when allowed; reading fetches the writer's schema by the id in the
 * record once per id and resolves it to the class's schema, so records written with an older or newer compatible
 * schema decode. Null stays null (tombstones).
 */
final class RegistrySerde<T extends SpecificRecord> implements Serde<T> {
    private final SchemaRegistryClient registry;
    private final SpecificData model;
    private final Schema schema;
    private final boolean key;
    private final boolean autoRegister;
    private final Map<String, Integer> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, SpecificDatumReader<T>> readersById = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

    RegistrySerde(Class<T> type, boolean key, SchemaRegistryClient registry, boolean autoRegister) {
        this.registry = registry;
        this.model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.key = key;
        this.autoRegister = autoRegister;
    }

    @Override
    public Serializer<T> serializer() {
        SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(schema, model);
        return (topic, record) -> {
            if (record == null) {
                return null;
            }
            int id = idsBySubject.computeIfAbsent(Subjects.of(topic, key), this::idFor);
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream(128);
                out.write(RegistryFraming.header(id));
                BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, encoders.get());
                encoders.set(encoder);
                writer.write(record, encoder);
                encoder.flush();
                return out.toByteArray();
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot encode " + schema.getName() + ": " + e.getMessage(), e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            int id = RegistryFraming.schemaId(bytes);
            SpecificDatumReader<T> reader = readersById.computeIfAbsent(id,
                    known -> new SpecificDatumReader<>(registry.schemaById(known), schema, model));
            try {
                BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, RegistryFraming.HEADER_LENGTH,
                        bytes.length - RegistryFraming.HEADER_LENGTH, decoders.get());
                decoders.set(decoder);
                T record = reader.read(null, decoder);
                if (!decoder.isEnd()) {
                    throw new SerializationException("trailing bytes after the record");
                }
                return record;
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("not a valid " + schema.getName() + " (schema id " + id
                        + ") payload on " + topic + ": " + e.getMessage(), e);
            }
        };
    }

    /**
     * The id of this class's schema under the subject. Registering is the registry's to allow or refuse: it checks
     * the schema against the subject's compatibility level. Without auto-registration a subject that lacks the
     * schema is a deployment error, said plainly.
     */
    private int idFor(String subject) {
        return registry.idOf(subject, schema).orElseGet(() -> {
            if (!autoRegister) {
                throw new RegistryException("the schema registry at " + registry.baseUrl() + " has no subject "
                        + subject + " holding the current " + schema.getFullName() + " schema, and "
                        + "flux.schema-registry.auto-register is false: register it first (bin/flux-billing schemas)");
            }
            return SchemaRegistration.register(registry, subject, schema);
        });
    }
}
