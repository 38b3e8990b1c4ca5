package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.intake.PricedCandidate;
import com.fluxrouter.billing.schema.state.PlanHistory;

/**
 * A priced request with its account's plan versions published by its record timestamp ({@link PriceRequest}, rule 6;
 * null when none was).
 */
public record PlannedRequest(PricedCandidate candidate, PlanHistory plans) implements MeterInput {
}
