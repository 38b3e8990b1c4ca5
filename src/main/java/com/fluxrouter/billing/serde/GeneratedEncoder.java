package com.fluxrouter.billing.serde;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
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
    /** Avro's own writer, run only on a record the generated code could not write, for its message. */
    private final DatumWriter<T> diagnosis;

    private GeneratedEncoder(SpecificData model, Schema schema) {
        this.schema = schema;
        this.diagnosis = new SpecificDatumWriter<>(schema, model);
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
            return Optional.of(new GeneratedEncoder<>(specific, schema));
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

    /**
     * Writes the record's body. A record its schema does not allow (a null in a non-null field) throws what Avro's own
     * writer throws for it, which names the field: the generated code fails on it with a bare
     * {@link NullPointerException}. What either wrote before failing is left in {@code out}, for the caller to drop.
     *
     * @throws RuntimeException for a record the schema does not allow
     */
    @Override
    public void write(T datum, Encoder out) throws IOException {
        try {
            Objects.requireNonNull(datum, "record").customEncode(out);
        } catch (RuntimeException unwritable) {
            try {
                diagnosis.write(datum, out);
            } catch (IOException | RuntimeException named) {
                named.addSuppressed(unwritable);
                throw named;
            }
            // Avro's writer wrote what the generated code could not: the two disagree, which is a bug of ours.
            throw new IllegalStateException("the generated encoder of " + schema.getFullName()
                    + " failed where Avro's writer did not", unwritable);
        }
    }
}
