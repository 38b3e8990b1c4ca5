package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.catalog.ModelLanes;
import com.fluxrouter.billing.catalog.RateVersions;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.RoutedRequest;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Prices a request ({@link RequestPricing}) from the catalog's global stores: the served model's lane from
 * {@value CatalogFlow#MODELS_STORE} through {@link ModelLanes}, the rate versions from {@value CatalogFlow#RATES_STORE}
 * through {@link RateVersions} (each read once per catalog change, or on every request when its cache is off).
 */
final class PriceRequest implements FixedKeyProcessor<String, RoutedRequest, PricedCandidate> {
    private final CatalogFlow.Readers catalog;
    private final boolean rateCache;
    private final boolean modelCache;
    private FixedKeyProcessorContext<String, PricedCandidate> context;
    private Function<String, Lane> lanes;
    private Supplier<List<Rate>> rates;

    /**
     * @param rateCache  whether to keep the decoded rate versions until the catalog changes them
     * @param modelCache whether to keep the served models' lanes until the catalog changes them
     */
    PriceRequest(CatalogFlow.Readers catalog, boolean rateCache, boolean modelCache) {
        this.catalog = catalog;
        this.rateCache = rateCache;
        this.modelCache = modelCache;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, PricedCandidate> context) {
        this.context = context;
        TimestampedKeyValueStore<String, ModelLane> models = context.getStateStore(CatalogFlow.MODELS_STORE);
        this.lanes = modelCache ? catalog.models().cached(models) : ModelLanes.everyRequest(models);
        TimestampedKeyValueStore<LaneRateKey, LaneRate> store = context.getStateStore(CatalogFlow.RATES_STORE);
        this.rates = rateCache ? catalog.rates().cached(store) : RateVersions.everyRequest(store);
    }

    @Override
    public void process(FixedKeyRecord<String, RoutedRequest> record) {
        Lane lane = lanes.apply(record.value().getServedModel());
        PricedCandidate priced = RequestPricing.price(record.value(), lane, rates.get());
        context.forward(record.withValue(priced));
    }
}
