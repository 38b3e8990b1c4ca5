package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.catalog.CatalogRules;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.errors.RejectedException;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.pricing.Price;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.pricing.RateBook;
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
import java.util.Optional;

/**
 * Rules 1 and 2: the lane is the catalog's lane for the served model, else the router's claim; the price uses the
 * lane's rate version in force at completed_at. Reads the catalog's global stores.
 */
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
        RoutedRequest request = record.value();
        ValueAndTimestamp<ModelLane> entry = models.get(request.getServedModel());
        Lane lane = entry != null ? Lane.valueOf(entry.value().getLane()) : claimedLane(request);
        long at = request.getCompletedAt().toEpochMilli();
        Rate rate = RateBook.inForce(rateVersions(), lane, at).orElseThrow(() -> new RejectedException(Reason.NO_RATE,
                "no " + lane + " rate version in force at " + request.getCompletedAt()));
        Price price = Price.of(request.getInputTokens(), request.getOutputTokens(), rate);
        context.forward(record.withValue(new PricedCandidate(request, lane, entry != null, rate, price)));
    }

    private static Lane claimedLane(RoutedRequest request) {
        if (request.getLane() == null) {
            throw new RejectedException(Reason.UNKNOWN_MODEL, "served_model " + request.getServedModel()
                    + " is not in the model catalog and the request claims no lane");
        }
        Optional<Lane> lane = Lane.parse(request.getLane());
        return lane.orElseThrow(() -> new RejectedException(Reason.UNKNOWN_LANE, "served_model "
                + request.getServedModel() + " is not in the model catalog and lane " + request.getLane()
                + " is not a lane"));
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
