package com.fluxrouter.billing.metering;

/**
 * What reaches the meter: a priced request with its plans ({@link PlannedRequest}), or a change of an account's plan
 * history ({@link PlanChange}), both keyed by account id on the request topic's partitions.
 */
public sealed interface MeterInput permits PlannedRequest, PlanChange {
}
