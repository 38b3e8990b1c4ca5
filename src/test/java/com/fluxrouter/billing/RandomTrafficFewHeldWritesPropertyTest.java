package com.fluxrouter.billing;

import com.fluxrouter.billing.config.BillingConfig;

/**
 * {@link RandomTrafficPropertyTest} with the account-months' and statuses' writes held until the commit for one
 * changed key per store only ({@code flux.billing.write-behind-entries}=1): a record or punctuation that changes two
 * months or statuses writes them early, within the step, and every output still agrees with the rules' oracle.
 */
class RandomTrafficFewHeldWritesPropertyTest extends RandomTrafficPropertyTest {
    @Override
    protected BillingConfig config() {
        return super.config().with(BillingConfig.WRITE_BEHIND_ENTRIES, "1");
    }
}
