package com.fluxrouter.billing.metering;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kind of a deadline is stored as its ordinal byte in the billing-deadlines store: the kinds the release at
 * 52fbfc3 wrote must keep their bytes, and SUPPLEMENT (rule 11), then PERIOD, EFFECT and STATUS (rule 12) come after
 * them, so an upgraded store stays readable.
 */
class DeadlineKindTest {
    @Test
    void theReleasedKindsKeepTheirStoredBytesAndLaterKindsAreAppended() {
        assertThat(Deadline.Kind.values()).containsExactly(Deadline.Kind.CLOSE, Deadline.Kind.PURGE,
                Deadline.Kind.FORGET_ID, Deadline.Kind.SUPPLEMENT, Deadline.Kind.PERIOD, Deadline.Kind.EFFECT,
                Deadline.Kind.STATUS);
    }
}
