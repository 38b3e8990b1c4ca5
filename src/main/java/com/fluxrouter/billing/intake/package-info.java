/**
 * Intake of routed requests. Consumed: {@code flux.requests.routed} (key account_id, value RoutedRequest) and the
 * catalog's global stores. Produced: priced candidates for metering; rejections (MISSING_ID, INVALID_ID,
 * KEY_MISMATCH, INVALID_TOKENS, FUTURE_TIMESTAMP, INVALID_TIMESTAMP, UNKNOWN_MODEL, UNKNOWN_LANE, NO_RATE) through
 * the processing exception handler.
 *
 * <p>Guarantees: a request is priced only if every rule of validation holds; the lane follows the served model;
 * the price is exact and uses the rate version in force at completed_at.
 */
package com.fluxrouter.billing.intake;
