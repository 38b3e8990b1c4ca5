package com.fluxrouter.billing.serde;

import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Avro single-object encoding of one generated record class. Null stays null (tombstones). */
final class SingleObjectSerde<T extends SpecificRecord> implements Serde<T> {
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final String typeName;

    SingleObjectSerde(Class<T> type) {
        SpecificData model = SpecificData.getForClass(type);
        var schema = model.getSchema(type);
        this.typeName = schema.getName();
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, record) -> {
            if (record == null) {
                return null;
            }
            try {
                ByteBuffer buffer = encoder.encode(record);
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot encode " + record.getSchema().getName() + ": " + e.getMessage(), e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            // The decoder stops at the end of the record; bytes after it would be dropped unseen (a second request
            // concatenated to the first, say), so a payload must be exactly one record.
            ByteArrayInputStream in = new ByteArrayInputStream(bytes);
            T record;
            try {
                record = decoder.decode(in, null);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("not a valid " + typeName
                        + " payload on " + topic + ": " + e.getMessage(), e);
            }
            if (in.available() > 0) {
                throw new SerializationException("not a valid " + typeName + " payload on " + topic + ": "
                        + in.available() + " bytes after the record");
            }
            return record;
        };
    }
}
