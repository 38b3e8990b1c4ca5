package com.fluxrouter.billing;

import com.fluxrouter.billing.config.BillingConfig;

/**
 * {@link RandomTrafficPropertyTest} with pricing holding the published plans of only two of its six accounts as
 * objects ({@code flux.billing.plans-cache-entries}=2): plans are held, evicted, forgotten at each publication and
 * read from the store again all through the traffic, and every output still agrees with the rules' oracle.
 */
class RandomTrafficFewHeldPlansPropertyTest extends RandomTrafficPropertyTest {
    @Override
    protected BillingConfig config() {
        return super.config().with(BillingConfig.PLANS_CACHE_ENTRIES, "2");
    }
}
