package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.config.BillingConfig;

/** {@link ModelLaneChangesTest} with the served model's catalog entry read for every request: the same prices. */
class ModelLaneChangesUncachedTest extends ModelLaneChangesTest {
    @Override
    protected BillingConfig config() {
        return super.config().with(BillingConfig.INTAKE_MODEL_CACHE, "false");
    }
}
