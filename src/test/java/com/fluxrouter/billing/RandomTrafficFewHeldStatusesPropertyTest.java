package com.fluxrouter.billing;

import com.fluxrouter.billing.config.BillingConfig;

/**
 * {@link RandomTrafficPropertyTest} with the meter holding the last spend statuses of only two of its six accounts
 * as objects ({@code flux.billing.status-cache-entries}=2): statuses are held, evicted and decoded from the store
 * again all through the traffic, and every output still agrees with the rules' oracle.
 */
class RandomTrafficFewHeldStatusesPropertyTest extends RandomTrafficPropertyTest {
    @Override
    protected BillingConfig config() {
        return super.config().with(BillingConfig.STATUS_CACHE_ENTRIES, "2");
    }
}
