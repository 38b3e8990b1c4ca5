package com.fluxrouter.billing.it;

import java.math.BigDecimal;
import java.util.Map;

/**
 * What a request costs under the published price list, computed here with BigDecimal from docs/billing-rules.md
 * rule 1 (Express Lane $1, Daily Driver $2, Deep Thought $4 per 1M tokens, input and output alike) and rule 2
 * (cost = tokens x rate), for the models the published catalog seeds: the tests' expected money, independent of the
 * pipeline's pricing and catalog classes.
 */
final class PublishedPrices {
    /** Lane of each model of the published catalog. */
    static final Map<String, String> LANE_BY_MODEL = Map.of(
            "flux-express-small", "EXPRESS", "llama-3.1-8b-instruct", "EXPRESS",
            "flux-daily-medium", "DAILY_DRIVER", "llama-3.3-70b-instruct", "DAILY_DRIVER",
            "flux-deep-large", "DEEP_THOUGHT", "deepseek-r1", "DEEP_THOUGHT");
    /** USD per 1M tokens, input and output alike, by lane. */
    private static final Map<String, BigDecimal> USD_PER_MILLION_BY_LANE = Map.of(
            "EXPRESS", new BigDecimal("1"), "DAILY_DRIVER", new BigDecimal("2"), "DEEP_THOUGHT", new BigDecimal("4"));

    private PublishedPrices() {
    }

    /**
     * The exact cost in USD of a request served by {@code model}.
     *
     * @throws NullPointerException for a model the published catalog does not hold
     */
    static BigDecimal cost(String model, long inputTokens, long outputTokens) {
        return USD_PER_MILLION_BY_LANE.get(LANE_BY_MODEL.get(model))
                .multiply(BigDecimal.valueOf(inputTokens + outputTokens)).movePointLeft(6);
    }
}
