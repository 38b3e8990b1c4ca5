package com.fluxrouter.billing.catalog;

import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.ModelLane;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The published price list, used to seed the catalog topics and as replay's default when no catalog files are
 * given: Express Lane $1, Daily Driver $2, Deep Thought $4 per 1M tokens, input and output alike.
 */
public final class PublishedPriceList {
    /** The published rates are in force from the earliest instant the pipeline accepts. */
    public static final Instant EFFECTIVE_FROM = Instant.parse("2020-01-01T00:00:00Z");

    private PublishedPriceList() {
    }

    public static List<ModelLane> models() {
        return List.of(
                new ModelLane("flux-express-small", Lane.EXPRESS.name()),
                new ModelLane("llama-3.1-8b-instruct", Lane.EXPRESS.name()),
                new ModelLane("flux-daily-medium", Lane.DAILY_DRIVER.name()),
                new ModelLane("llama-3.3-70b-instruct", Lane.DAILY_DRIVER.name()),
                new ModelLane("flux-deep-large", Lane.DEEP_THOUGHT.name()),
                new ModelLane("deepseek-r1", Lane.DEEP_THOUGHT.name()));
    }

    public static List<LaneRate> rates() {
        return List.of(rate(Lane.EXPRESS, "1"), rate(Lane.DAILY_DRIVER, "2"), rate(Lane.DEEP_THOUGHT, "4"));
    }

    private static LaneRate rate(Lane lane, String usdPerMillion) {
        BigDecimal rate = new BigDecimal(usdPerMillion).setScale(9);
        return new LaneRate(lane.name(), rate, rate, EFFECTIVE_FROM);
    }
}
