package com.fluxrouter.billing.topology;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.RejectionHandler;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;

import java.util.HashMap;
import java.util.Map;

/** Kafka Streams settings: the user's, over the pipeline's defaults, under the settings billing cannot do without. */
public final class StreamsSettings {
    public static final String DEFAULT_APPLICATION_ID = "flux-billing";

    private StreamsSettings() {
    }

    public static Map<String, Object> of(BillingConfig config) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // The rejection of the largest input record must fit in a produce request (TopicSpecs.REJECTED_MAX_BYTES).
        settings.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), TopicSpecs.REJECTED_MAX_BYTES);
        // flux.* settings go along too: the exception handlers read the wire format from them.
        settings.putAll(config.settings());
        settings.putAll(required());
        if (config.storeKind() == BillingConfig.StoreKind.IN_MEMORY) {
            settings.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class);
        }
        return settings;
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
