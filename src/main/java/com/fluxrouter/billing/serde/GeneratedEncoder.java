package com.fluxrouter.billing.serde;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes a record's Avro binary body with the {@code customEncode} method its generated class declares. Avro's
 * compiler generates one for every schema without logical types (the month ledger, its lane usage, the
 * account-month key, the model lane), and Avro's own datum writer calls it only when {@code SpecificData}'s custom
 * coders are switched on, which is a flag of the class's shared data model, not ours to set. The reflective writer
 * walks the schema and looks each field up on every write (docs/performance.md, "What was changed": the month
 * ledger is written at every request); the generated code writes the fields of the schema it was generated from, in
 * order, with the same encoder calls, so the bytes are the same (SingleObjectSerdeTest holds them to Avro's own
 * encoder's).
 *
 * @param <T> the generated class
 */
final class GeneratedEncoder<T extends SpecificRecordBase> implements DatumWriter<T> {
    private final Schema schema;

    private GeneratedEncoder(Schema schema) {
        this.schema = schema;
    }

    /**
     * The generated encoder of the schema's class in the model, if the model is a specific one, the class was
     * generated from exactly this schema and it declares {@code customEncode}; empty otherwise (a generic model, a
     * schema of no class, a class with logical types).
     */
    static Optional<GeneratedEncoder<?>> declaredBy(GenericData model, Schema schema) {
        if (!(model instanceof SpecificData specific)) {
            return Optional.empty();
        }
        Class<?> type = specific.getClass(schema);
        if (type == null || !SpecificRecordBase.class.isAssignableFrom(type)
                || !schema.equals(specific.getSchema(type))) {
            return Optional.empty();
        }
        try {
            type.getDeclaredMethod("customEncode", Encoder.class);
            return Optional.of(new GeneratedEncoder<>(schema));
        } catch (NoSuchMethodException notGenerated) {
            return Optional.empty();
        }
    }

    @Override
    public void setSchema(Schema writerSchema) {
        if (!schema.equals(writerSchema)) {
            throw new IllegalArgumentException("generated for " + schema.getFullName() + ", not another schema");
        }
    }

    /** Writes the record's body; a field its schema does not allow (a null in a non-null field) throws. */
    @Override
    public void write(T datum, Encoder out) throws IOException {
        Objects.requireNonNull(datum, "record").customEncode(out);
    }
}
