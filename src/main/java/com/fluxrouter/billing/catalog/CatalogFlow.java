package com.fluxrouter.billing.catalog;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Check;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;

/**
 * The catalog sub-flow: model-to-lane entries and rate-card versions are validated (bad ones rejected), copied to
 * pipeline-owned topics, and read back as global stores so that every request partition can price locally.
 * Tombstones pass through and delete the entry.
 */
public final class CatalogFlow {
    public static final String MODELS_STORE = "catalog-models";
    public static final String RATES_STORE = "catalog-rates";

    private CatalogFlow() {
    }

    /** Tombstones delete an entry and need no check. */
    private static void checkModel(String key, ModelLane model) {
        if (model != null) {
            CatalogRules.checkModel(key, model);
        }
    }

    private static void checkRate(LaneRateKey key, LaneRate rate) {
        if (rate != null) {
            CatalogRules.checkRate(key, rate);
        }
    }

    /**
     * @param config        the store kind of the global rates store ({@link BillingConfig#storeKind()})
     * @param applicationId names the pipeline's own topics, {@code <applicationId>.catalog.models.valid} and
     *                      {@code <applicationId>.catalog.rates.valid} ({@link Topics#modelsValid})
     * @return the readers of {@value #MODELS_STORE} and {@value #RATES_STORE}, which this flow tells of every change
     *         (for pricing)
     */
    public static Readers build(StreamsBuilder builder, Serdes serdes, BillingConfig config, String applicationId) {
        String modelsValid = Topics.modelsValid(applicationId);
        String ratesValid = Topics.ratesValid(applicationId);
        builder.stream(Topics.MODELS, Consumed.with(serdes.string(), serdes.avro(ModelLane.class)).withName("models-source"))
                .processValues(() -> new Check<String, ModelLane>(CatalogFlow::checkModel), Named.as("models-validate"))
                .to(modelsValid, Produced.with(serdes.string(), serdes.internal(ModelLane.class)).withName("models-valid-sink"));
        builder.stream(Topics.RATES, Consumed.with(serdes.avro(LaneRateKey.class), serdes.avro(LaneRate.class)).withName("rates-source"))
                .processValues(() -> new Check<LaneRateKey, LaneRate>(CatalogFlow::checkRate), Named.as("rates-validate"))
                .to(ratesValid, Produced.with(serdes.internal(LaneRateKey.class), serdes.internal(LaneRate.class)).withName("rates-valid-sink"));

        // Global stores of our own rather than global tables: their processors tell the readers of each change.
        // Same names, sources, store types and record caches as the global tables they replace, so the topology's
        // description and the stores' bytes are unchanged.
        ModelLanes lanes = new ModelLanes();
        builder.addGlobalStore(globalStore(config, MODELS_STORE, serdes.string(), serdes.internal(ModelLane.class)),
                modelsValid, Consumed.with(serdes.string(), serdes.internal(ModelLane.class)).withName(MODELS_STORE),
                () -> new CatalogStoreUpdate<>(MODELS_STORE, lanes::changed));
        RateVersions versions = new RateVersions();
        builder.addGlobalStore(globalStore(config, RATES_STORE, serdes.internal(LaneRateKey.class),
                        serdes.internal(LaneRate.class)), ratesValid,
                Consumed.with(serdes.internal(LaneRateKey.class), serdes.internal(LaneRate.class)).withName(RATES_STORE),
                () -> new CatalogStoreUpdate<>(RATES_STORE, versions::changed));
        return new Readers(lanes, versions);
    }

    /**
     * What pricing reads of the catalog's global stores.
     *
     * @param models the served models' lanes of {@value #MODELS_STORE}
     * @param rates  the rate versions of {@value #RATES_STORE}
     */
    public record Readers(ModelLanes models, RateVersions rates) {
    }

    /** A catalog global store: a timestamped key-value store; a global store's topic is its changelog. */
    private static <K, V> StoreBuilder<TimestampedKeyValueStore<K, V>> globalStore(BillingConfig config, String name,
                                                                               Serde<K> keys, Serde<V> values) {
        KeyValueBytesStoreSupplier supplier = config.storeKind() == BillingConfig.StoreKind.IN_MEMORY
                ? Stores.inMemoryKeyValueStore(name)
                : Stores.persistentTimestampedKeyValueStore(name);
        return Stores.timestampedKeyValueStoreBuilder(supplier, keys, values).withCachingEnabled().withLoggingDisabled();
    }
}
