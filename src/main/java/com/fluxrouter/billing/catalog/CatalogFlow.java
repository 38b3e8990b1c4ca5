package com.fluxrouter.billing.catalog;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Check;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
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
     * @return the rate versions of {@value #RATES_STORE}, which this flow tells of every change (for pricing)
     */
    public static RateVersions build(StreamsBuilder builder, Serdes serdes, BillingConfig config, String applicationId) {
        String modelsValid = Topics.modelsValid(applicationId);
        String ratesValid = Topics.ratesValid(applicationId);
        builder.stream(Topics.MODELS, Consumed.with(serdes.string(), serdes.avro(ModelLane.class)).withName("models-source"))
                .processValues(() -> new Check<String, ModelLane>(CatalogFlow::checkModel), Named.as("models-validate"))
                .to(modelsValid, Produced.with(serdes.string(), serdes.internal(ModelLane.class)).withName("models-valid-sink"));
        builder.stream(Topics.RATES, Consumed.with(serdes.avro(LaneRateKey.class), serdes.avro(LaneRate.class)).withName("rates-source"))
                .processValues(() -> new Check<LaneRateKey, LaneRate>(CatalogFlow::checkRate), Named.as("rates-validate"))
                .to(ratesValid, Produced.with(serdes.internal(LaneRateKey.class), serdes.internal(LaneRate.class)).withName("rates-valid-sink"));

        builder.globalTable(modelsValid,
                Consumed.with(serdes.string(), serdes.internal(ModelLane.class)).withName("catalog-models"),
                Materialized.as(MODELS_STORE));
        // A global store of our own rather than a global table: its processor tells the rate versions of each
        // change. Same name, source, store type and record cache as the global table it replaces, so the topology's
        // description and the store's bytes are unchanged.
        RateVersions versions = new RateVersions();
        builder.addGlobalStore(ratesStore(config, serdes), ratesValid,
                Consumed.with(serdes.internal(LaneRateKey.class), serdes.internal(LaneRate.class)).withName(RATES_STORE),
                () -> new RatesUpdate(versions));
        return versions;
    }

    /** The {@value #RATES_STORE} store: a timestamped key-value store; a global store's topic is its changelog. */
    private static StoreBuilder<TimestampedKeyValueStore<LaneRateKey, LaneRate>> ratesStore(BillingConfig config,
                                                                                       Serdes serdes) {
        KeyValueBytesStoreSupplier supplier = config.storeKind() == BillingConfig.StoreKind.IN_MEMORY
                ? Stores.inMemoryKeyValueStore(RATES_STORE)
                : Stores.persistentTimestampedKeyValueStore(RATES_STORE);
        return Stores.timestampedKeyValueStoreBuilder(supplier, serdes.internal(LaneRateKey.class),
                serdes.internal(LaneRate.class)).withCachingEnabled().withLoggingDisabled();
    }
}
