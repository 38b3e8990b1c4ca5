package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 12, resume: a version whose effective_from is not after its publication takes effect on arrival, so a CAPPED
 * account that is upgraded (a higher ceiling, or none) is ACTIVE at once with reason PLAN_CHANGE, as of the
 * publication, with no request. A Free account ($5 credit, $5 ceiling) spent $6 on Nov 10 and is capped.
 */
class ResumeOnPlanChangeTest extends PipelineTest {
    private static final Instant UPGRADED_AT = Instant.parse("2026-11-12T09:30:00Z");

    @BeforeEach
    void aCappedFreeAccount() {
        publishPlan(plan("free", "Free", "5", "5", null, "2026-01-01T00:00:00Z"), Instant.parse("2026-11-01T00:00:00Z"));
        spend("free", "6", "2026-11-10T00:00:00Z");
        assertThat(statuses("free")).last().satisfies(status -> assertThat(status.getStatus()).isEqualTo("CAPPED"));
        priced();
        alerts();
        overage();
    }

    @Test
    void anUpgradeMadeNowResumesTheAccountAtOnceWithNoRequest() {
        publishPlan(plan("free", "Team", "20", "100", null, UPGRADED_AT.toString()), UPGRADED_AT);

        assertThat(statuses("free")).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("ACTIVE");
            assertThat(status.getReason()).isEqualTo("PLAN_CHANGE");
            // the clock is Nov 10; the publication is later
            assertThat(status.getAsOf()).isEqualTo(UPGRADED_AT);
            assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("100");
            assertThat(status.getRemainingUsd()).isEqualByComparingTo("94");
            // billing (rule 6): the upgrade's credit counts for the whole month
            assertThat(status.getIncludedCreditUsd()).isEqualByComparingTo("20");
            assertThat(status.getCreditRemainingUsd()).isEqualByComparingTo("14");
            assertThat(status.getUsageUsd()).isEqualByComparingTo("6");
        });
        assertThat(priced()).isEmpty();
        // overage due stays 0: min(6, 5) - 5 before, min(6, 100) - 20 clamped to 0 after
        assertThat(overage()).isEmpty();
        assertThat(alerts()).isEmpty();
    }

    @Test
    void aNewVersionWithoutACeilingResumesTheAccountAtOnce() {
        publishPlan(plan("free", "Pay as you go", "0", null, null, UPGRADED_AT.toString()), UPGRADED_AT);

        assertThat(statuses("free")).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("ACTIVE");
            assertThat(status.getReason()).isEqualTo("PLAN_CHANGE");
            assertThat(status.getSpendCeilingUsd()).isNull();
            assertThat(status.getRemainingUsd()).isNull();
            assertThat(status.getAsOf()).isEqualTo(UPGRADED_AT);
        });
        // Billing (rule 6): the month's largest ceiling is now none, so the $1 over the Free ceiling is billed
        assertThat(overage()).singleElement().satisfies(update -> {
            assertThat(update.getOverageUsd()).isEqualByComparingTo("1");
            assertThat(update.getOverageDeltaUsd()).isEqualByComparingTo("1");
            assertThat(update.getAsOf()).isEqualTo(UPGRADED_AT);
        });
    }

    @Test
    void aHigherCeilingStillBelowUsageIsEmittedAtOnceAndStaysCapped() {
        publishPlan(plan("free", "Free plus", "5", "5.5", null, UPGRADED_AT.toString()), UPGRADED_AT);

        assertThat(statuses("free")).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("CAPPED");
            assertThat(status.getReason()).isEqualTo("PLAN_CHANGE");
            assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("5.5");
            assertThat(status.getRemainingUsd()).isEqualByComparingTo("0");
        });
    }

    @Test
    void theSameVersionPublishedAgainChangesNothingAndEmitsNothing() {
        publishPlan(plan("free", "Free", "5", "5", null, "2026-01-01T00:00:00Z"), Instant.parse("2026-11-10T00:00:03Z"));
        assertThat(statuses()).isEmpty();
        assertThat(overage()).isEmpty();
    }

    @Test
    void aRequestProducedBeforeTheUpgradeButMeteredAfterItDoesNotBringTheOldCeilingBack() {
        publishPlan(plan("free", "Team", "20", "100", null, UPGRADED_AT.toString()), UPGRADED_AT);
        statuses("free");
        // Produced (record timestamp) on Nov 11, before the upgrade's publication, metered after it (a CreateTime
        // producer running behind, or a lagging partition): it is billed under the plans published by Nov 11, but
        // the status it updates is as of Nov 12 09:30 (never before the last one), when the Team plan is in force.
        sendKeyed("free", request("free", com.fluxrouter.billing.pricing.Lane.EXPRESS, 1_000_000, 0,
                "2026-11-11T00:00:00Z").build(), Instant.parse("2026-11-11T00:00:01Z"));

        // Only usage changed (the Team plan is still the one in force), within the status interval: held back. A
        // sentinel account's request comes out after anything the first one caused.
        spend("sentinel", "1", "2026-11-11T00:00:02Z");
        assertThat(statuses()).extracting(status -> status.getAccountId()).containsExactly("sentinel");
        assertThat(alerts()).noneSatisfy(alert -> assertThat(alert.getAlert()).startsWith("CEILING"));

        // The held change falls due 10 s after the last status, on the billing clock.
        spend("sentinel", "1", "2026-11-12T09:31:00Z");
        assertThat(statuses("free")).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("ACTIVE");
            assertThat(status.getReason()).isEqualTo("USAGE");
            assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("100");
            assertThat(status.getUsageUsd()).isEqualByComparingTo("7");
            assertThat(status.getAsOf()).isEqualTo(UPGRADED_AT.plusSeconds(10));
        });
    }
}
