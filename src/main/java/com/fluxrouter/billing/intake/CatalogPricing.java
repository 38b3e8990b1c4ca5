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
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Prices requests ({@link RequestPricing}, rules 1 and 2) from the catalog's global stores: the served model's lane
 * from {@value CatalogFlow#MODELS_STORE} through {@link ModelLanes}, the rate versions from
 * {@value CatalogFlow#RATES_STORE} through {@link RateVersions} (each read once per catalog change, or on every
 * request when its cache is off). One per task, made in its processor's {@code init}.
 */
public final class CatalogPricing {
    private final Function<String, Lane> lanes;
    private final Supplier<List<Rate>> rates;

    private CatalogPricing(Function<String, Lane> lanes, Supplier<List<Rate>> rates) {
        this.lanes = lanes;
        this.rates = rates;
    }

    /**
     * @param context    the processor's context, whose task has the catalog's global stores
     * @param catalog    the catalog flow's readers of those stores ({@link CatalogFlow#build})
     * @param rateCache  whether to keep the decoded rate versions until the catalog changes them
     * @param modelCache whether to keep the served models' lanes until the catalog changes them
     * @return the task's pricing
     */
    public static CatalogPricing of(ProcessingContext context, CatalogFlow.Readers catalog, boolean rateCache,
                                    boolean modelCache) {
        TimestampedKeyValueStore<String, ModelLane> models = context.getStateStore(CatalogFlow.MODELS_STORE);
        TimestampedKeyValueStore<LaneRateKey, LaneRate> store = context.getStateStore(CatalogFlow.RATES_STORE);
        return new CatalogPricing(modelCache ? catalog.models().cached(models) : ModelLanes.everyRequest(models),
                rateCache ? catalog.rates().cached(store) : RateVersions.everyRequest(store));
    }

    /**
     * @param request a valid request (rule 4)
     * @return its lane, rate version in force at completed_at, and exact price in nano-dollars
     * @throws com.fluxrouter.billing.errors.RejectedException UNKNOWN_MODEL, UNKNOWN_LANE or NO_RATE
     */
    public PricedCandidate price(RoutedRequest request) {
        return RequestPricing.price(request, lanes.apply(request.getServedModel()), rates.get());
    }
}
