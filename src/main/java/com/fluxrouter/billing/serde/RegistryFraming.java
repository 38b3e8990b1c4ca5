package com.fluxrouter.billing.serde;

import org.apache.kafka.common.errors.SerializationException;

import java.nio.ByteBuffer;

/**
 * The schema-registry wire format that Confluent's, Apicurio's, Redpanda's and Karapace's clients read: one magic
 * byte 0, the schema id as a 4-byte big-endian int, then the Avro binary body (no schema, no fingerprint).
 */
public final class RegistryFraming {
    public static final byte MAGIC = 0;
    public static final int HEADER_LENGTH = 5;

    private RegistryFraming() {
    }

    /** The 5-byte header that precedes a body written with schema {@code id}. */
    public static byte[] header(int id) {
        return ByteBuffer.allocate(HEADER_LENGTH).put(MAGIC).putInt(id).array();
    }

    /** The schema id of a framed record; refuses bytes that are not in this format. */
    public static int schemaId(byte[] framed) {
        if (framed.length < HEADER_LENGTH) {
            throw new SerializationException("not in the schema-registry format: " + framed.length
                    + " bytes, fewer than the " + HEADER_LENGTH + "-byte header");
        }
        if (framed[0] != MAGIC) {
            throw new SerializationException("not in the schema-registry format: first byte is "
                    + (framed[0] & 0xff) + ", not the magic byte 0");
        }
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }
}
