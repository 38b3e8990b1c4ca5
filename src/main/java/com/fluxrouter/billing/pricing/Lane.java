package com.fluxrouter.billing.pricing;

import java.util.Optional;

/** The three pricing lanes, in the order invoices list them. */
public enum Lane {
    EXPRESS,
    DAILY_DRIVER,
    DEEP_THOUGHT;

    /** The lane with this exact name, or empty for null or anything else. */
    public static Optional<Lane> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (Lane lane : values()) {
            if (lane.name().equals(name)) {
                return Optional.of(lane);
            }
        }
        return Optional.empty();
    }
}
