package com.fluxrouter.billing.catalog;

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
     * @param applicationId names the pipeline's own topics, {@code <applicationId>.catalog.models.valid} and
     *                      {@code <applicationId>.catalog.rates.valid} ({@link Topics#modelsValid})
     */
    public static void build(StreamsBuilder builder, Serdes serdes, String applicationId) {
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
        builder.globalTable(ratesValid,
                Consumed.with(serdes.internal(LaneRateKey.class), serdes.internal(LaneRate.class)).withName("catalog-rates"),
                Materialized.as(RATES_STORE));
    }
}
