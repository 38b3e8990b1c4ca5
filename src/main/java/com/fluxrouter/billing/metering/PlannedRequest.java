package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.intake.PricedCandidate;
import com.fluxrouter.billing.schema.state.PlanHistory;

/** A priced request joined with its account's plan history (null when the account has no plan). */
public record PlannedRequest(PricedCandidate candidate, PlanHistory plans) implements MeterInput {
}
