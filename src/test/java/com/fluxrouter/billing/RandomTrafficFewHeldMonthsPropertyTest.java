package com.fluxrouter.billing;

import com.fluxrouter.billing.config.BillingConfig;

/**
 * {@link RandomTrafficPropertyTest} with the meter holding only two account-months as objects
 * ({@code flux.billing.month-cache-entries}=2) among its six accounts' months: months are held, evicted, purged and
 * decoded from the store again all through the traffic, and every output still agrees with the rules' oracle.
 */
class RandomTrafficFewHeldMonthsPropertyTest extends RandomTrafficPropertyTest {
    @Override
    protected BillingConfig config() {
        return super.config().with(BillingConfig.MONTH_CACHE_ENTRIES, "2");
    }
}
