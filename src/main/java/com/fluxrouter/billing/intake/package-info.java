/**
 * Intake of routed requests. Consumed: {@code flux.requests.routed} (key account_id, value RoutedRequest). Produced:
 * valid requests for metering, each on its account's partition; misrouted requests on the internal
 * {@code <app id>-requests-misrouted-repartition} topic; rejections (MISSING_ID, INVALID_ID, KEY_MISMATCH,
 * INVALID_TOKENS, FUTURE_TIMESTAMP, INVALID_TIMESTAMP, WRONG_PARTITION) through the processing exception handler.
 * Pricing ({@code RequestPricing}, {@code CatalogPricing}: the catalog's global stores; UNKNOWN_MODEL, UNKNOWN_LANE,
 * NO_RATE) is here too, and metering calls it after its join with the plan history.
 *
 * <p>Guarantees: a request is priced only if every rule of validation holds; it is billed only in the task of the
 * partition Kafka's default partitioner gives its account (rule 4a: a misrouted one is rerouted there, or rejected);
 * the lane follows the served model; the price is exact and uses the rate version in force at completed_at, among the
 * versions in the catalog when the request is priced (kept decoded per task until the catalog changes them,
 * {@code flux.intake.rate-cache}).
 */
package com.fluxrouter.billing.intake;
