package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.config.BillingConfig;

/**
 * The same behaviours with a FORGET_ID deadline per accepted id ({@code flux.billing.forget-ids-by-deadline}, the
 * path before the walk of the id store, and the one FORGET_ID deadlines stored by earlier releases take).
 */
class DeduplicationWindowOfOneDayByDeadlineTest extends DeduplicationWindowOfOneDayTest {
    @Override
    protected BillingConfig config() {
        return super.config().with(BillingConfig.FORGET_IDS_BY_DEADLINE, "true");
    }
}
