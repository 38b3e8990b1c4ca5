package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.config.BillingConfig;

/** {@link RateVersionChangesTest} with the rate versions decoded for every request: the same prices. */
class RateVersionChangesUncachedTest extends RateVersionChangesTest {
    @Override
    protected BillingConfig config() {
        return super.config().with(BillingConfig.INTAKE_RATE_CACHE, "false");
    }
}
