package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.errors.RejectedException;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.pricing.Price;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.pricing.RateBook;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.RoutedRequest;

/**
 * Rules 1 and 2 for one request: the lane is the catalog's lane for the served model, else the router's claim;
 * the price uses the lane's rate version in force at completed_at. Plain Java: the topology's processor and
 * replay both call it.
 */
public final class RequestPricing {
    private RequestPricing() {
    }

    /**
     * @param catalogEntry the model catalog's entry for the served model, or null when it has none
     * @param rates        every valid rate version
     * @throws RejectedException UNKNOWN_MODEL, UNKNOWN_LANE or NO_RATE
     */
    public static PricedCandidate price(RoutedRequest request, ModelLane catalogEntry, Iterable<Rate> rates) {
        return price(request, catalogEntry == null ? null : Lane.valueOf(catalogEntry.getLane()), rates);
    }

    /**
     * @param catalogLane the model catalog's lane for the served model, or null when the catalog has no such model
     * @param rates       every valid rate version
     * @throws RejectedException UNKNOWN_MODEL, UNKNOWN_LANE or NO_RATE
     */
    public static PricedCandidate price(RoutedRequest request, Lane catalogLane, Iterable<Rate> rates) {
        Lane lane = catalogLane != null ? catalogLane : claimedLane(request);
        long at = request.getCompletedAt().toEpochMilli();
        Rate rate = RateBook.inForce(rates, lane, at).orElseThrow(() -> new RejectedException(Reason.NO_RATE,
                "no " + lane + " rate version in force at " + request.getCompletedAt()));
        Price price = Price.of(request.getInputTokens(), request.getOutputTokens(), rate);
        return new PricedCandidate(request, lane, catalogLane != null, rate, price);
    }

    private static Lane claimedLane(RoutedRequest request) {
        if (request.getLane() == null) {
            throw new RejectedException(Reason.UNKNOWN_MODEL, "served_model " + request.getServedModel()
                    + " is not in the model catalog and the request claims no lane");
        }
        return Lane.parse(request.getLane()).orElseThrow(() -> new RejectedException(Reason.UNKNOWN_LANE,
                "served_model " + request.getServedModel() + " is not in the model catalog and lane "
                        + request.getLane() + " is not a lane"));
    }
}
