package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.OverageUpdate;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 12: a request's status held back by the interval still does what computing it implies. Two requests are
 * produced (record timestamp) on Nov 11, before a plan change published on Nov 12 at 09:30, and metered after it:
 * each is billed under the plans published by Nov 11 (rule 6, production order), while the status it updates is as
 * of the change's publication, under the new plans, so that status re-applies the new billing terms to the month and
 * fires the CEILING alerts of the new control ceiling. The second request's usage change is within the interval
 * and its STATUS deadline is already scheduled (by the first): nothing is emitted as a status, but the month is
 * billed under the new terms and the alerts still fire in its step.
 */
class HeldBackStatusTest extends PipelineTest {
    private static final Instant CHANGED_AT = Instant.parse("2026-11-12T09:30:00Z");
    private static final Instant PRODUCED_BEFORE = Instant.parse("2026-11-11T00:00:01Z");

    /** An Express request costing {@code dollars} ($1 per 1M tokens), produced on Nov 11. */
    private void spendProducedBefore(String account, String dollars) {
        long tokens = Long.parseLong(dollars) * 1_000_000L;
        sendKeyed(account, request(account, Lane.EXPRESS, tokens, 0, "2026-11-11T00:00:00Z").build(), PRODUCED_BEFORE);
    }

    /** A request of another account, produced after the others: what they caused comes out before its outputs. */
    private void sentinel() {
        spend("sentinel", "1", "2026-11-11T00:00:02Z");
    }

    @Test
    void aRaisedCeilingIsBilledForARequestProducedBeforeItWithinTheInterval() {
        publishPlan(plan("acct", "Team", "5", "10", null, "2026-01-01T00:00:00Z"), Instant.parse("2026-11-01T00:00:00Z"));
        spend("acct", "6", "2026-11-10T00:00:00Z");
        // The ceiling raised to $100 from its publication: November's billing ceiling becomes $100 (rule 6).
        publishPlan(plan("acct", "Team+", "5", "100", null, CHANGED_AT.toString()), CHANGED_AT);
        statuses();
        spendProducedBefore("acct", "3");
        overage();

        spendProducedBefore("acct", "3");
        sentinel();
        assertThat(statuses()).extracting(status -> status.getAccountId()).containsExactly("sentinel");
        // Usage $12 under credit $5 and ceiling $100: $7 due; the Nov 11 plans' $10 ceiling would make it $5.
        assertThat(overage()).filteredOn(update -> update.getAccountId().equals("acct"))
                .extracting(OverageUpdate::getOverageUsd, OverageUpdate::getSpendCeilingUsd)
                .last().satisfies(figures -> assertThat(figures.toList()).containsExactly(usd("7"), usd("100")));
    }

    @Test
    void aLoweredControlCeilingAlertsOnARequestProducedBeforeItWithinTheInterval() {
        publishPlan(plan("acct", "Team", "0", "100", null, "2026-01-01T00:00:00Z"), Instant.parse("2026-11-01T00:00:00Z"));
        spend("acct", "1", "2026-11-10T00:00:00Z");
        // A cap cut to $10 from its publication: the control ceiling (rule 12). November's billing ceiling stays the
        // largest in force in the month, $100, so its billing terms do not change.
        publishPlan(plan("acct", "Capped", "0", "10", null, CHANGED_AT.toString()), CHANGED_AT);
        statuses();
        spendProducedBefore("acct", "3");
        alerts();

        // $4 + $5 = $9: 90 % of the $10 control ceiling. The Nov 11 plans' $100 ceiling is far away.
        spendProducedBefore("acct", "5");
        sentinel();
        assertThat(statuses()).extracting(status -> status.getAccountId()).containsExactly("sentinel");
        assertThat(alerts()).filteredOn(alert -> alert.getAccountId().equals("acct")).singleElement().satisfies(alert -> {
            assertThat(alert.getAlert()).isEqualTo("CEILING_90");
            assertThat(alert.getThresholdUsd()).isEqualByComparingTo("9");
            assertThat(alert.getUsageUsd()).isEqualByComparingTo("9");
            assertThat(alert.getAt()).isEqualTo(CHANGED_AT);
            assertThat(alert.getRequestId()).isNull();
        });
    }
}
