package com.fluxrouter.billing.pricing;

import java.util.Optional;

/** Finds the rate version in force: the one of the lane with the latest effective_from not after the instant. */
public final class RateBook {
    private RateBook() {
    }

    public static Optional<Rate> inForce(Iterable<Rate> versions, Lane lane, long at) {
        Rate best = null;
        for (Rate rate : versions) {
            if (rate.lane() == lane && rate.effectiveFrom() <= at
                    && (best == null || rate.effectiveFrom() > best.effectiveFrom())) {
                best = rate;
            }
        }
        return Optional.ofNullable(best);
    }
}
