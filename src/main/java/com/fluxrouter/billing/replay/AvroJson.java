package com.fluxrouter.billing.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;

/**
 * The JSON form of the contract records: the Avro field names, timestamps as ISO-8601 UTC strings, money as decimal
 * strings, bytes as base64, null for absent optional fields. Driven by each record's schema, so it follows the
 * schemas without a mapping to maintain.
 */
public final class AvroJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final ObjectMapper mapper = new ObjectMapper();

    /** A record as one line of JSON. */
    public String write(SpecificRecord record) {
        try {
            return mapper.writeValueAsString(toJson(record));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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

    private ObjectNode toJson(SpecificRecord record) {
        ObjectNode node = NODES.objectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            node.set(field.name(), toJson(record.get(field.pos())));
        }
        return node;
    }

    private JsonNode toJson(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof SpecificRecord nested) {
            return toJson(nested);
        }
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(item -> array.add(toJson(item)));
            return array;
        }
        if (value instanceof BigDecimal decimal) {
            return NODES.textNode(decimal.stripTrailingZeros().toPlainString());
        }
        if (value instanceof Instant instant) {
            return NODES.textNode(instant.toString());
        }
        if (value instanceof ByteBuffer bytes) {
            ByteBuffer copy = bytes.duplicate();
            byte[] raw = new byte[copy.remaining()];
            copy.get(raw);
            return NODES.textNode(Base64.getEncoder().encodeToString(raw));
        }
        if (value instanceof Long number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Integer number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Boolean flag) {
            return NODES.booleanNode(flag);
        }
        return NODES.textNode(value.toString());
    }

    private Object fromJson(JsonNode node, Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            if (node == null || node.isNull()) {
                return null;
            }
            return fromJson(node, schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL)
                    .findFirst().orElseThrow());
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
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("is not an ISO-8601 UTC instant: " + text);
        }
    }
}
