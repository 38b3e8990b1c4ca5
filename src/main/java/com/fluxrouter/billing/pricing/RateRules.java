package com.fluxrouter.billing.pricing;

import java.math.BigDecimal;
import java.util.Optional;

/** Validation of rate-card amounts, shared by the catalog and the replay tools. */
public final class RateRules {
    /** Highest accepted rate, USD per 1M tokens: guards the long arithmetic of costs. */
    public static final BigDecimal MAX_USD_PER_MILLION = BigDecimal.valueOf(1_000_000);
    private static final int MAX_DECIMALS = 3;

    private RateRules() {
    }

    /** Why a rate per 1M tokens is not acceptable, or empty when it is. */
    public static Optional<String> problem(String field, BigDecimal usdPerMillion) {
        if (usdPerMillion == null) {
            return Optional.of(field + " is missing");
        }
        if (usdPerMillion.signum() < 0) {
            return Optional.of(field + " is negative: " + usdPerMillion.toPlainString());
        }
        if (usdPerMillion.stripTrailingZeros().scale() > MAX_DECIMALS) {
            return Optional.of(field + " has more than " + MAX_DECIMALS + " decimal places: "
                    + usdPerMillion.toPlainString());
        }
        if (usdPerMillion.compareTo(MAX_USD_PER_MILLION) > 0) {
            return Optional.of(field + " exceeds " + MAX_USD_PER_MILLION + " per 1M tokens");
        }
        return Optional.empty();
    }

    /** Nano-dollars per token of a valid rate per 1M tokens (USD/1M x 1e9 / 1e6 = x 1000). */
    public static long nanosPerToken(BigDecimal usdPerMillion) {
        return usdPerMillion.movePointRight(MAX_DECIMALS).longValueExact();
    }
}
