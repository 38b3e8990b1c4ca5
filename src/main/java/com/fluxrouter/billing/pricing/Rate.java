package com.fluxrouter.billing.pricing;

/**
 * One version of a lane's rate card. Rates are kept as nano-dollars per token: a rate of {@code R} USD per 1M
 * tokens with at most 3 decimal places is exactly {@code R * 1000} nano-dollars per token, so every cost is an
 * exact integer number of nano-dollars.
 */
public record Rate(Lane lane, long inputNanosPerToken, long outputNanosPerToken, long effectiveFrom) {
}
