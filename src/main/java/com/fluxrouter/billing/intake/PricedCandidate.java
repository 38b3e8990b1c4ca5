package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.pricing.Price;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.schema.RoutedRequest;

/** A valid request with its lane and price, not yet deduplicated or assigned to a month. */
public record PricedCandidate(RoutedRequest request, Lane lane, boolean laneFromCatalog, Rate rate, Price price) {
}
