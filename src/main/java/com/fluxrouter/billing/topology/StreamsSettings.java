package com.fluxrouter.billing.topology;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.RejectionHandler;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Kafka Streams settings: the user's, over the pipeline's defaults, under the settings billing cannot do without. */
public final class StreamsSettings {
    public static final String DEFAULT_APPLICATION_ID = "flux-billing";

    /**
     * One row of the configuration reference (docs/operations.md) for a Kafka Streams setting the pipeline sets:
     * {@code forced} ones cannot be overridden, the others are defaults.
     */
    public record Documented(String name, String type, String value, boolean forced, String meaning) {
    }

    /** Every Kafka Streams setting the pipeline sets or forces, as the configuration reference lists them. */
    public static final List<Documented> DOCUMENTED = List.of(
            new Documented(StreamsConfig.APPLICATION_ID_CONFIG, "string", DEFAULT_APPLICATION_ID, false,
                    "the consumer group, the prefix of internal topics, and of the pipeline's own topics "
                            + "{application.id}.catalog.models.valid, {application.id}.catalog.rates.valid and "
                            + "{application.id}.accounts.plans.valid"),
            new Documented(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "list", "none: required", false,
                    "the Kafka cluster; run refuses to start without it (--bootstrap-servers, the file or "
                            + "KAFKA_BOOTSTRAP_SERVERS)"),
            new Documented(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "string", StreamsConfig.EXACTLY_ONCE_V2, false,
                    "run refuses any other value without flux.unsafe.allow=true"),
            new Documented(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), "int",
                    Integer.toString(TopicSpecs.REJECTED_MAX_BYTES), false,
                    "room for the rejection of the largest input record"),
            new Documented(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "long",
                    Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED), false,
                    "task idling off: the requests' task processes what it has buffered without waiting on its "
                            + "mostly empty repartition inputs (plans, misrouted requests); what a request is billed "
                            + "does not depend on their order, which idling never guaranteed, though which request an "
                            + "alert or status comes with, and for a misrouted request the versions its month closes "
                            + "under, may (operations: task idling); Kafka Streams' default 0 "
                            + "formats log text for each empty input on every record"),
            new Documented(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "boolean", "true", true,
                    "every store and internal topic has a name of ours (renames are visible, see topology/)"),
            new Documented(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, "class",
                    RejectionHandler.class.getName(), true, "unreadable records go to flux.requests.rejected"),
            new Documented(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, "class",
                    RejectionHandler.class.getName(), true, "records failing a rule go to flux.requests.rejected"),
            new Documented(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "boolean", "true", true,
                    "the processing exception handler also covers the global catalog stores"),
            new Documented(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, "class",
                    ProducedAtExtractor.class.getName(), true, "event time of every input record"),
            new Documented(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, "class",
                    "in-memory suppliers when flux.state.stores=in_memory", true, "follows flux.state.stores"),
            new Documented(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "class",
                    BoundedRocksDbMemory.class.getName(), false,
                    "run and demo: every RocksDB store of the process shares one block cache and write-buffer manager "
                            + "of flux.state.rocksdb.memory bytes; a setter of your own replaces that bound"),
            new Documented(StreamsConfig.APPLICATION_SERVER_CONFIG, "host:port",
                    "flux.http.advertised-host:flux.http.port", true,
                    "where other instances forward usage queries (run and demo)"));

    private StreamsSettings() {
    }

    /**
     * The Streams settings for a topology, without the checks of {@link #live}: replay and TopologyTestDriver use
     * these. No bootstrap servers are filled in: a live run must be given them.
     *
     * @return the pipeline's defaults, overridden by every setting of {@code config}, overridden by {@link #required}
     */
    public static Map<String, Object> of(BillingConfig config) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // The rejection of the largest input record must fit in a produce request (TopicSpecs.REJECTED_MAX_BYTES).
        settings.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), TopicSpecs.REJECTED_MAX_BYTES);
        // What a request is billed does not depend on the order of the requests' task's inputs (rule 6 reads plans by
        // publication time; a rerouted request is deduplicated and dated by its own timestamp), and idling never gave
        // them production order (their records come after a commit); which request a late plan change's alerts come
        // with does, idling or not (operations.md, "Task idling"). Under the default 0 Kafka Streams 4.3 builds a log
        // message with String.format for every empty input partition of the task on every record it processes: a
        // fifth to a quarter of the stream thread in the bench's profiles (docs/performance.md).
        settings.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // flux.* settings go along too: the exception handlers read the wire format from them.
        settings.putAll(config.settings());
        settings.putAll(required());
        if (config.storeKind() == BillingConfig.StoreKind.IN_MEMORY) {
            settings.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class);
        }
        return settings;
    }

    /**
     * The Streams settings for a pipeline on a live cluster (run, demo, and every {@code Pipeline}): {@link #of}, after
     * checking that nothing in them can silently lose or double-count usage, with RocksDB's off-heap memory bounded by
     * {@link BoundedRocksDbMemory} unless the settings name a {@code rocksdb.config.setter} of their own. (Replay and
     * TopologyTestDriver runs, which use {@link #of}, keep Kafka Streams' per-store defaults.)
     *
     * @throws ConfigException without bootstrap servers; and, unless {@value BillingConfig#UNSAFE_ALLOW}=true, for a
     *                         {@code processing.guarantee} other than exactly_once_v2, for
     *                         {@code flux.state.changelogs=false} or for {@code flux.state.stores=in_memory}
     */
    public static Map<String, Object> live(BillingConfig config) {
        Map<String, Object> settings = requireBootstrap(of(config));
        settings.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        List<String> unsafe = unsafe(config, settings);
        if (!unsafe.isEmpty() && !config.unsafeAllowed()) {
            throw new ConfigException("refusing settings that can lose or double-count usage: "
                    + String.join("; ", unsafe) + ". Set " + BillingConfig.UNSAFE_ALLOW
                    + "=true only for benchmarks and tests");
        }
        return settings;
    }

    /**
     * @return {@code settings}, once they name a cluster
     * @throws ConfigException when {@code bootstrap.servers} is missing or blank: no silent local default
     */
    public static Map<String, Object> requireBootstrap(Map<String, Object> settings) {
        Object bootstrap = settings.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (bootstrap == null || bootstrap.toString().isBlank()) {
            throw new ConfigException("no Kafka cluster given: set " + StreamsConfig.BOOTSTRAP_SERVERS_CONFIG
                    + " (--bootstrap-servers, the --config file, or KAFKA_BOOTSTRAP_SERVERS)");
        }
        return settings;
    }

    /** The settings that would make a live run unsafe, each with why. */
    private static List<String> unsafe(BillingConfig config, Map<String, Object> settings) {
        List<String> unsafe = new ArrayList<>();
        Object guarantee = settings.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        if (!StreamsConfig.EXACTLY_ONCE_V2.equals(String.valueOf(guarantee))) {
            unsafe.add(StreamsConfig.PROCESSING_GUARANTEE_CONFIG + "=" + guarantee
                    + " (a crash can count a request twice or lose it; needs " + StreamsConfig.EXACTLY_ONCE_V2 + ")");
        }
        if (!config.changelogs()) {
            unsafe.add(BillingConfig.STATE_CHANGELOGS + "=false (a lost state directory loses open months)");
        }
        if (config.storeKind() == BillingConfig.StoreKind.IN_MEMORY) {
            unsafe.add(BillingConfig.STATE_STORES + "=in_memory (every restart restores all state)");
        }
        return unsafe;
    }

    /** The application id of these settings: {@code application.id}, or {@value #DEFAULT_APPLICATION_ID}. */
    public static String applicationId(BillingConfig config) {
        return config.settings().getOrDefault(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
    }

    /**
     * Overrides for runs on TopologyTestDriver (replay and unit tests). The driver drops dead-letter records written
     * while deserializing under exactly-once (its MockProducer.clear() discards the open transaction's sends), and a
     * single synchronous driver has no failures for exactly-once to guard against, so it runs at-least-once. The
     * driver's wall clock is a mock the live extractor cannot see, so record timestamps are taken as piped
     * ({@link ProducedAtExtractor.AsProduced}): what a run on the driver gets is decided by its input, not the day.
     */
    public static Map<String, Object> forTestDriver() {
        return Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE,
                StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, ProducedAtExtractor.AsProduced.class);
    }

    static Map<String, Object> required() {
        Map<String, Object> required = new HashMap<>();
        required.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        required.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, RejectionHandler.class);
        required.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RejectionHandler.class);
        required.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, ProducedAtExtractor.class);
        required.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return required;
    }
}
