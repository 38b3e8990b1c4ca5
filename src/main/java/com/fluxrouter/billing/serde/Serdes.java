package com.fluxrouter.billing.serde;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.LaneRateKey;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place serdes come from. Every Avro key and value of every topic is built here, in the wire format chosen
 * by configuration; state stores, the repartition topic and the pipeline's own catalog topics always use Avro's
 * single-object encoding ({@link #internal}), so switching the format never strands the state.
 */
public final class Serdes {
    /** Composite keys are keys wherever they appear (subject {@code <topic>-key}); every other record is a value. */
    static final Set<Class<?>> KEY_TYPES = Set.of(AccountMonthKey.class, LaneRateKey.class, AccountPlanKey.class);

    /** One client per registry and credentials in the process, so the ids the start resolved serve every serde. */
    private static final Map<List<Object>, SchemaRegistryClient> CLIENTS = new ConcurrentHashMap<>();

    private final WireFormat format;
    private final SchemaRegistryClient registry;
    private final boolean autoRegister;
    private final Map<Class<?>, Serde<?>> cache = new ConcurrentHashMap<>();
    private final Map<Class<?>, Serde<?>> internalCache = new ConcurrentHashMap<>();

    /** Serdes in a format that needs no registry (single-object). */
    public Serdes(WireFormat format) {
        this(format, null, false);
        if (format == WireFormat.REGISTRY) {
            throw new IllegalArgumentException("the registry format needs the registry's settings: use Serdes.of(config)");
        }
    }

    private Serdes(WireFormat format, SchemaRegistryClient registry, boolean autoRegister) {
        this.format = format;
        this.registry = registry;
        this.autoRegister = autoRegister;
    }

    /** The serdes a configuration asks for, with its registry client when the format is {@code registry}. */
    public static Serdes of(BillingConfig config) {
        if (config.wireFormat() != WireFormat.REGISTRY) {
            return new Serdes(config.wireFormat());
        }
        return new Serdes(WireFormat.REGISTRY, registryClient(config), config.autoRegister());
    }

    /**
     * The process's client of the configured registry. Shared on purpose: the pipeline's start registers (or checks)
     * every output subject through it, which caches their ids, and the topology's serdes and the rejection handler
     * (which Kafka Streams instantiates itself) get the same client, so writing an output needs no registry call.
     * An output written while the registry is down would otherwise fail mid-record, days after the start.
     */
    public static SchemaRegistryClient registryClient(BillingConfig config) {
        List<Object> key = Arrays.asList(config.schemaRegistryUrl(), config.schemaRegistryUserInfo(),
                config.schemaRegistryTimeout());
        return CLIENTS.computeIfAbsent(key, ignored -> new SchemaRegistryClient(config.schemaRegistryUrl(),
                config.schemaRegistryUserInfo(), config.schemaRegistryTimeout()));
    }

    public WireFormat format() {
        return format;
    }

    /** Serde of a generated record class on a topic, for a key or a value, in the configured wire format. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> Serde<T> avro(Class<T> type) {
        return (Serde<T>) cache.computeIfAbsent(type, key -> create((Class<T>) key));
    }

    /**
     * Serde of a record kept only by the pipeline itself (state stores and their changelogs, the repartition topic,
     * the validated catalog topics): single-object whatever the configured format. Nobody else reads these, and a
     * format change must not make existing state unreadable.
     */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> Serde<T> internal(Class<T> type) {
        return (Serde<T>) internalCache.computeIfAbsent(type, key -> new SingleObjectSerde<>((Class<T>) key));
    }

    public Serde<String> string() {
        return org.apache.kafka.common.serialization.Serdes.String();
    }

    private <T extends SpecificRecord> Serde<T> create(Class<T> type) {
        return switch (format) {
            case SINGLE_OBJECT -> new SingleObjectSerde<>(type);
            case REGISTRY -> new RegistrySerde<>(type, KEY_TYPES.contains(type), registry, autoRegister);
        };
    }
}
