package com.fluxrouter.billing.serde;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collection;

/**
 * Avro single-object encoding of one generated record class. Null stays null (tombstones). Writes with the current
 * schema; reads data written with the current schema or any kept version of it ({@link SchemaHistory}), resolved
 * into the current class by Avro's schema resolution (a {@link SchemaStore.Cache} of the kept versions behind the
 * decoder), so state, changelogs and topics written by an earlier release stay readable after a compatible change.
 * A fingerprint of no kept version fails as a {@link SerializationException}.
 *
 * <p>Decoding reads the body straight from the array when the header is this schema's (every record the pipeline
 * reads, every store read): Avro's own decoder reads the header through a synchronised stream and a thread-local
 * buffer, which showed as a tenth of replay's CPU time. Anything else (another schema, a bad header, a body that
 * does not decode) goes to Avro's decoder, so failures and their messages stay Avro's. Encoding writes the same
 * bytes as Avro's {@code BinaryMessageEncoder} (the header, then the body) into a per-thread buffer; the body of a
 * class whose generated code encodes it ({@link GeneratedEncoder}) is written by that code, of any other by Avro's
 * datum writer.
 */
final class SingleObjectSerde<T extends IndexedRecord> implements Serde<T> {
    /** Marker bytes of the single-object encoding, then the 8-byte little-endian schema fingerprint. */
    private static final int HEADER_LENGTH = 10;

    /** Each thread's encoding buffer, reused by every serde: an encode runs to its end before the next starts. */
    private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

    private final DatumWriter<T> writer;
    private final BinaryMessageDecoder<T> decoder;
    private final DatumReader<T> reader;
    private final byte[] header;
    private final String typeName;

    /** The serde of a generated class, reading every version of its schema kept in {@link SchemaHistory}. */
    SingleObjectSerde(Class<T> type) {
        this(SpecificData.getForClass(type), SpecificData.getForClass(type).getSchema(type),
                SchemaHistory.versions(SpecificData.getForClass(type).getSchema(type).getName()));
    }

    /**
     * The serde of records of {@code schema} in {@code model} (tests evolve schemas with generic records through it).
     *
     * @param model   the data model records are built in (specific for generated classes)
     * @param schema  the current schema: records are written with it, and every record read is resolved into it
     * @param writers the other schemas data may have been written with (the kept versions); the current one is
     *                always readable
     */
    @SuppressWarnings("unchecked")
    SingleObjectSerde(GenericData model, Schema schema, Collection<Schema> writers) {
        this.typeName = schema.getName();
        this.writer = GeneratedEncoder.declaredBy(model, schema)
                .map(generated -> (DatumWriter<T>) (DatumWriter<?>) generated)
                .orElseGet(() -> (DatumWriter<T>) model.createDatumWriter(schema));
        SchemaStore.Cache kept = new SchemaStore.Cache();
        writers.forEach(kept::addSchema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, kept);
        this.reader = (DatumReader<T>) model.createDatumReader(schema);
        this.header = headerOf(schema);
    }

    private static byte[] headerOf(Schema schema) {
        return ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0xC3).put((byte) 0x01).putLong(SchemaNormalization.parsingFingerprint64(schema)).array();
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, record) -> {
            if (record == null) {
                return null;
            }
            try {
                return encode(record);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot encode " + record.getSchema().getName() + ": " + e.getMessage(), e);
            }
        };
    }

    /**
     * The header, then the body as Avro's {@code BinaryMessageEncoder} writes it, into the thread's buffer: that
     * encoder writes each value through a synchronised stream and copies the result twice.
     */
    private byte[] encode(T record) throws IOException {
        Buffer out = BUFFERS.get();
        out.reset();
        out.write(header, 0, HEADER_LENGTH);
        out.encoder = EncoderFactory.get().directBinaryEncoder(out, out.encoder);
        writer.write(record, out.encoder);
        out.encoder.flush();
        return out.toByteArray();
    }

    /** A growing byte array, without ByteArrayOutputStream's locks, and the encoder writing into it. */
    private static final class Buffer extends OutputStream {
        private byte[] bytes = new byte[256];
        private int size;
        private BinaryEncoder encoder;

        void reset() {
            size = 0;
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] from, int offset, int length) {
            ensure(length);
            System.arraycopy(from, offset, bytes, size, length);
            size += length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            T direct = decodeOwnSchema(bytes);
            return direct != null ? direct : decodeByAvro(topic, bytes);
        };
    }

    /** Avro's decoder, which judges every payload the direct path did not take and words the failures. */
    private T decodeByAvro(String topic, byte[] bytes) {
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
        // Exact: Avro's message decoder reads the body through a direct (unbuffered) binary decoder and never reads
        // ahead, so what the stream still has is precisely the bytes after the record.
        if (in.available() > 0) {
            throw new SerializationException("not a valid " + typeName + " payload on " + topic + ": "
                    + in.available() + " bytes after the record");
        }
        return record;
    }

    /** The record, if the bytes carry this schema's header and a body that decodes to their end; null for Avro's decoder to judge. */
    private T decodeOwnSchema(byte[] bytes) {
        if (bytes.length < HEADER_LENGTH || !Arrays.equals(bytes, 0, HEADER_LENGTH, header, 0, HEADER_LENGTH)) {
            return null;
        }
        try {
            BinaryDecoder body = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
            T record = reader.read(null, body);
            return body.isEnd() ? record : null;
        } catch (IOException | RuntimeException notDecodable) {
            return null;
        }
    }
}
