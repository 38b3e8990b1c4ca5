package com.fluxrouter.billing.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place serdes come from. Every Avro key and value of every topic and store is built here, in the wire
 * format chosen by configuration, so adding a format (the schema-registry framing) touches this class only.
 */
public final class Serdes {
    private final WireFormat format;
    private final Map<Class<?>, Serde<?>> cache = new ConcurrentHashMap<>();

    public Serdes(WireFormat format) {
        this.format = format;
    }

    public WireFormat format() {
        return format;
    }

    /** Serde of a generated record class, for a key or a value. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> Serde<T> avro(Class<T> type) {
        return (Serde<T>) cache.computeIfAbsent(type, key -> create((Class<T>) key));
    }

    public Serde<String> string() {
        return org.apache.kafka.common.serialization.Serdes.String();
    }

    private <T extends SpecificRecord> Serde<T> create(Class<T> type) {
        return switch (format) {
            case SINGLE_OBJECT -> new SingleObjectSerde<>(type);
        };
    }
}
