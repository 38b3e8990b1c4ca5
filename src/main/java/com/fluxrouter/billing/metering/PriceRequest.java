package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.intake.CatalogPricing;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.plans.PublishedPlans;
import com.fluxrouter.billing.schema.RoutedRequest;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Prices a valid request on its account's partition ({@link CatalogPricing}, rules 1 and 2) and gives it the plan
 * history as it stood when the request was produced (rule 6, "Production order"): the versions published at or
 * before the request's record timestamp (its append time on {@code flux.requests.routed}, epoch ms), read from the
 * {@value PlanFlow#PUBLICATIONS_STORE} global store ({@link PublishedPlans}), not the {@value PlanFlow#STORE} table,
 * which is the history as this task has received it so far (the join before this processor only keeps that table
 * co-partitioned and gives nothing); so a re-run, which receives every plan first, bills each request under the plans
 * of the first run. Out: a {@link PlannedRequest}. A request the catalog cannot price throws
 * {@link com.fluxrouter.billing.errors.RejectedException} (UNKNOWN_MODEL, UNKNOWN_LANE, NO_RATE), which the processing
 * exception handler rejects.
 */
final class PriceRequest implements FixedKeyProcessor<String, RoutedRequest, MeterInput> {
    private final CatalogFlow.Readers catalog;
    private final boolean rateCache;
    private final boolean modelCache;
    private final PublishedPlans published;
    private final int plansCacheEntries;
    private FixedKeyProcessorContext<String, MeterInput> context;
    private CatalogPricing pricing;
    private PublishedPlans.Reader plans;

    /**
     * @param catalog    the catalog flow's readers of its global stores
     * @param rateCache  whether to keep the decoded rate versions until the catalog changes them
     * @param modelCache whether to keep the served models' lanes until the catalog changes them
     * @param published  the topology's readers of {@value PlanFlow#PUBLICATIONS_STORE}
     * @param plansCacheEntries accounts whose publications the task holds ({@code flux.billing.plans-cache-entries})
     */
    PriceRequest(CatalogFlow.Readers catalog, boolean rateCache, boolean modelCache, PublishedPlans published,
                 int plansCacheEntries) {
        this.catalog = catalog;
        this.rateCache = rateCache;
        this.modelCache = modelCache;
        this.published = published;
        this.plansCacheEntries = plansCacheEntries;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, MeterInput> context) {
        this.context = context;
        this.pricing = CatalogPricing.of(context, catalog, rateCache, modelCache);
        this.plans = published.cached(context.getStateStore(PlanFlow.PUBLICATIONS_STORE), plansCacheEntries);
    }

    @Override
    public void process(FixedKeyRecord<String, RoutedRequest> record) {
        RoutedRequest request = record.value();
        PlannedRequest planned = new PlannedRequest(pricing.price(request),
                plans.asOf(request.getAccountId(), record.timestamp()));
        context.forward(record.withValue(planned));
    }
}
