package com.fluxrouter.billing.catalog;

import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.errors.RejectedException;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.pricing.RateRules;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;

/** Validation of catalog records; plain Java. */
public final class CatalogRules {
    private CatalogRules() {
    }

    public static void checkModel(String key, ModelLane model) {
        if (model.getModelId() == null || model.getModelId().isBlank()) {
            throw new RejectedException(Reason.INVALID_MODEL, "model_id is missing");
        }
        if (!model.getModelId().equals(key)) {
            throw new RejectedException(Reason.INVALID_MODEL, "record key does not match model_id");
        }
        if (Lane.parse(model.getLane()).isEmpty()) {
            throw new RejectedException(Reason.INVALID_MODEL, "unknown lane " + model.getLane());
        }
    }

    public static void checkRate(LaneRateKey key, LaneRate rate) {
        if (Lane.parse(rate.getLane()).isEmpty()) {
            throw new RejectedException(Reason.INVALID_RATE, "unknown lane " + rate.getLane());
        }
        if (key == null || !rate.getLane().equals(key.getLane())
                || !rate.getEffectiveFrom().equals(key.getEffectiveFrom())) {
            throw new RejectedException(Reason.INVALID_RATE, "record key does not match lane and effective_from");
        }
        RateRules.problem("input_usd_per_million", rate.getInputUsdPerMillion()).ifPresent(problem -> {
            throw new RejectedException(Reason.INVALID_RATE, problem);
        });
        RateRules.problem("output_usd_per_million", rate.getOutputUsdPerMillion()).ifPresent(problem -> {
            throw new RejectedException(Reason.INVALID_RATE, problem);
        });
    }

    /** The pricing form of a validated rate version. */
    public static Rate toRate(LaneRate rate) {
        return new Rate(Lane.valueOf(rate.getLane()), RateRules.nanosPerToken(rate.getInputUsdPerMillion()),
                RateRules.nanosPerToken(rate.getOutputUsdPerMillion()), rate.getEffectiveFrom().toEpochMilli());
    }
}
