package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.catalog.RateVersions;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.RoutedRequest;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.util.List;
import java.util.function.Supplier;

/**
 * Prices a request ({@link RequestPricing}) from the catalog's global stores: the served model's lane from
 * {@value CatalogFlow#MODELS_STORE}, the rate versions from {@value CatalogFlow#RATES_STORE} through
 * {@link RateVersions} (decoded once per catalog change, or on every request when the cache is off).
 */
final class PriceRequest implements FixedKeyProcessor<String, RoutedRequest, PricedCandidate> {
    private final RateVersions rateVersions;
    private final boolean rateCache;
    private FixedKeyProcessorContext<String, PricedCandidate> context;
    private TimestampedKeyValueStore<String, ModelLane> models;
    private Supplier<List<Rate>> rates;

    /** @param rateCache whether to keep the decoded rate versions until the catalog changes them */
    PriceRequest(RateVersions rateVersions, boolean rateCache) {
        this.rateVersions = rateVersions;
        this.rateCache = rateCache;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, PricedCandidate> context) {
        this.context = context;
        this.models = context.getStateStore(CatalogFlow.MODELS_STORE);
        TimestampedKeyValueStore<LaneRateKey, LaneRate> store = context.getStateStore(CatalogFlow.RATES_STORE);
        this.rates = rateCache ? rateVersions.cached(store) : RateVersions.everyRequest(store);
    }

    @Override
    public void process(FixedKeyRecord<String, RoutedRequest> record) {
        ValueAndTimestamp<ModelLane> entry = models.get(record.value().getServedModel());
        PricedCandidate priced = RequestPricing.price(record.value(), entry == null ? null : entry.value(), rates.get());
        context.forward(record.withValue(priced));
    }
}
