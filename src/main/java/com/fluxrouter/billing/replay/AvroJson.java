package com.fluxrouter.billing.replay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON form of the contract records: the Avro field names, timestamps as ISO-8601 UTC strings, money as decimal
 * strings, bytes as base64, null for absent optional fields. Driven by each record's schema, so it follows the
 * schemas without a mapping to maintain.
 */
public final class AvroJson {
    /** Digits of every long below 10^18, which {@link #writeDecimal} writes without BigDecimal's text. */
    private static final int MAX_LONG_DIGITS = 18;

    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<Schema, SerializedString[]> fieldNames = new ConcurrentHashMap<>();

    /** A record as one line of JSON. */
    public String write(SpecificRecord record) {
        StringWriter line = new StringWriter();
        try (JsonGenerator out = mapper.getFactory().createGenerator(line)) {
            write(record, out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return line.toString();
    }

    /**
     * Writes a record as one JSON object to a generator, without building it as a tree first: replay writes two to
     * three per request. The same text as {@link #write(SpecificRecord)}.
     *
     * @throws IOException when the generator's target fails
     */
    public void write(SpecificRecord record, JsonGenerator out) throws IOException {
        Schema schema = record.getSchema();
        SerializedString[] names = fieldNames.computeIfAbsent(schema, AvroJson::fieldNames);
        out.writeStartObject();
        for (int i = 0; i < names.length; i++) {
            out.writeFieldName(names[i]);
            writeValue(record.get(i), out);
        }
        out.writeEndObject();
    }

    /** The schema's field names in field order, quoted once rather than for every record written. */
    private static SerializedString[] fieldNames(Schema schema) {
        return schema.getFields().stream().map(field -> new SerializedString(field.name())).toArray(SerializedString[]::new);
    }

    /**
     * Parses one line of JSON into a record of the type.
     *
     * @throws IllegalArgumentException naming the first field that is missing or of the wrong form
     */
    public <T extends SpecificRecord> T read(String line, Class<T> type) {
        JsonNode node;
        try {
            node = mapper.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        return read(node, type);
    }

    /**
     * Reads a parsed JSON object into a record of the type; members that are no field of the type are ignored.
     *
     * @throws IllegalArgumentException naming the first field that is missing or of the wrong form
     */
    public <T extends SpecificRecord> T read(JsonNode node, Class<T> type) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        @SuppressWarnings("unchecked")
        T record = (T) model.newRecord(null, schema);
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = node.get(field.name());
            if (value == null && field.hasDefaultValue()) {
                record.put(field.pos(), model.getDefaultValue(field));
                continue;
            }
            try {
                record.put(field.pos(), fromJson(value, field.schema()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(field.name() + ": " + e.getMessage());
            }
        }
        return record;
    }

    /**
     * Writes one field's value. Final classes are tested first: a test against an interface (SpecificRecord, List)
     * scans the class's interfaces when its one-entry cache holds another, and every string was tested against both.
     */
    private void writeValue(Object value, JsonGenerator out) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof String text) {
            out.writeString(text);
        } else if (value instanceof BigDecimal decimal) {
            writeDecimal(decimal, out);
        } else if (value instanceof Instant instant) {
            out.writeString(IsoInstants.format(instant));
        } else if (value instanceof Long number) {
            out.writeNumber(number);
        } else if (value instanceof Integer number) {
            out.writeNumber(number);
        } else if (value instanceof Boolean flag) {
            out.writeBoolean(flag);
        } else if (value instanceof SpecificRecord nested) {
            write(nested, out);
        } else if (value instanceof List<?> list) {
            out.writeStartArray();
            for (Object item : list) {
                writeValue(item, out);
            }
            out.writeEndArray();
        } else if (value instanceof ByteBuffer bytes) {
            ByteBuffer copy = bytes.duplicate();
            byte[] raw = new byte[copy.remaining()];
            copy.get(raw);
            out.writeString(Base64.getEncoder().encodeToString(raw));
        } else {
            out.writeString(value.toString());
        }
    }

    /**
     * Writes {@code decimal.stripTrailingZeros().toPlainString()} ("1.500" as "1.5", "0.00" as "0", 1E+2 as "100"):
     * a decimal of up to 18 digits and a scale of 0 to 18 (every amount the records carry) from its unscaled long,
     * digit by digit, without the division that stripping does or the strings that both make; any other as that text.
     */
    private static void writeDecimal(BigDecimal decimal, JsonGenerator out) throws IOException {
        int scale = decimal.scale();
        if (scale < 0 || scale > MAX_LONG_DIGITS || decimal.precision() > MAX_LONG_DIGITS) {
            out.writeString(decimal.stripTrailingZeros().toPlainString());
            return;
        }
        long unscaled = decimal.scaleByPowerOfTen(scale).longValue();
        while (scale > 0 && unscaled % 10 == 0) {
            unscaled /= 10;
            scale--;
        }
        // Digits, a point, a leading zero and a sign at most.
        char[] text = new char[MAX_LONG_DIGITS + 3];
        int start = text.length;
        long rest = Math.abs(unscaled);
        for (int i = 0; i < scale; i++) {
            text[--start] = (char) ('0' + rest % 10);
            rest /= 10;
        }
        if (scale > 0) {
            text[--start] = '.';
        }
        do {
            text[--start] = (char) ('0' + rest % 10);
            rest /= 10;
        } while (rest != 0);
        if (unscaled < 0) {
            text[--start] = '-';
        }
        out.writeString(text, start, text.length - start);
    }

    private Object fromJson(JsonNode node, Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            if (node == null || node.isNull()) {
                return null;
            }
            return fromJson(node, firstNotNull(schema.getTypes()));
        }
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("is missing");
        }
        if (schema.getLogicalType() instanceof LogicalTypes.Decimal decimal) {
            BigDecimal amount = node.isNumber() ? node.decimalValue() : new BigDecimal(text(node));
            return amount.setScale(decimal.getScale(), RoundingMode.UNNECESSARY);
        }
        if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
            return node.isIntegralNumber() ? Instant.ofEpochMilli(node.longValue()) : instant(text(node));
        }
        return switch (schema.getType()) {
            case STRING -> text(node);
            case LONG -> integral(node).longValue();
            case INT -> Math.toIntExact(integral(node).longValue());
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    throw new IllegalArgumentException("is not true or false");
                }
                yield node.booleanValue();
            }
            case BYTES -> ByteBuffer.wrap(Base64.getDecoder().decode(text(node)));
            default -> throw new IllegalArgumentException("has unsupported type " + schema.getType());
        };
    }

    /** The first branch of a union that is not null; a loop, as this runs for every optional field of every line. */
    private static Schema firstNotNull(List<Schema> branches) {
        for (Schema branch : branches) {
            if (branch.getType() != Schema.Type.NULL) {
                return branch;
            }
        }
        throw new NoSuchElementException("No value present");
    }

    private static String text(JsonNode node) {
        if (!node.isTextual()) {
            throw new IllegalArgumentException("is not a string");
        }
        return node.textValue();
    }

    private static JsonNode integral(JsonNode node) {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new IllegalArgumentException("is not a whole number in the long range");
        }
        return node;
    }

    private static Instant instant(String text) {
        try {
            return IsoInstants.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("is not an ISO-8601 UTC instant: " + text);
        }
    }
}
