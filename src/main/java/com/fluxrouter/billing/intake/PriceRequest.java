package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.catalog.CatalogRules;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.RoutedRequest;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.util.ArrayList;
import java.util.List;

/** Prices a request ({@link RequestPricing}) from the catalog's global stores. */
final class PriceRequest implements FixedKeyProcessor<String, RoutedRequest, PricedCandidate> {
    private FixedKeyProcessorContext<String, PricedCandidate> context;
    private TimestampedKeyValueStore<String, ModelLane> models;
    private TimestampedKeyValueStore<LaneRateKey, LaneRate> rates;

    @Override
    public void init(FixedKeyProcessorContext<String, PricedCandidate> context) {
        this.context = context;
        this.models = context.getStateStore(CatalogFlow.MODELS_STORE);
        this.rates = context.getStateStore(CatalogFlow.RATES_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, RoutedRequest> record) {
        ValueAndTimestamp<ModelLane> entry = models.get(record.value().getServedModel());
        PricedCandidate priced = RequestPricing.price(record.value(), entry == null ? null : entry.value(), rateVersions());
        context.forward(record.withValue(priced));
    }

    /** The rate card is a handful of versions: a scan is cheaper than keeping an index in step with the store. */
    private List<Rate> rateVersions() {
        List<Rate> versions = new ArrayList<>();
        try (KeyValueIterator<LaneRateKey, ValueAndTimestamp<LaneRate>> all = rates.all()) {
            while (all.hasNext()) {
                KeyValue<LaneRateKey, ValueAndTimestamp<LaneRate>> next = all.next();
                versions.add(CatalogRules.toRate(next.value.value()));
            }
        }
        return versions;
    }
}
