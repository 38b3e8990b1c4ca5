package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.schema.SpendAlert;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 12, a version scheduled ahead (effective_from after its publication) takes effect when the billing clock
 * reaches its effective_from (an EFFECT deadline): a later request of any account moving the clock there, or the
 * wall clock of a quiet partition. A lowered ceiling with usage above it caps at that instant with no request of
 * the account; CEILING_90/100 follow the control ceiling, so a Free account whose upgrade is scheduled ahead is
 * capped at its Free ceiling until the upgrade takes effect.
 */
class ScheduledVersionTest extends PipelineTest {

    @Test
    void aLoweredCeilingCapsTheMomentItTakesEffectWhenAnotherAccountsRequestMovesTheClockPastIt() {
        publishPlan(plan("payg", "Pay as you go", "0", null, null, "2026-01-01T00:00:00Z"), Instant.parse("2026-11-01T00:00:00Z"));
        spendDeep("payg", "30", "2026-11-10T00:00:00Z");
        publishPlan(plan("payg", "Capped", "0", "20", null, "2026-11-15T00:00:00Z"), Instant.parse("2026-11-10T01:00:00Z"));
        assertThat(statuses("payg")).last().satisfies(status -> {
            assertThat(status.getStatus()).as("not in force yet").isEqualTo("ACTIVE");
            assertThat(status.getSpendCeilingUsd()).isNull();
        });
        alerts();
        overage();

        spend("other", "1", "2026-11-14T23:59:59.999Z");
        assertThat(statuses("payg")).as("the clock has not reached it").isEmpty();
        spend("other", "1", "2026-11-16T00:00:00Z");

        Instant effective = Instant.parse("2026-11-15T00:00:00Z");
        assertThat(statuses("payg")).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("CAPPED");
            assertThat(status.getReason()).isEqualTo("PLAN_CHANGE");
            assertThat(status.getAsOf()).isEqualTo(effective);
            assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("20");
            assertThat(status.getRemainingUsd()).isEqualByComparingTo("0");
            assertThat(status.getUsageUsd()).isEqualByComparingTo("30");
        });
        // The control ceiling's alerts, at the instant it took effect, no request; the forecast alert is a request's
        // (rule 12 E), so none yet
        assertThat(alerts()).filteredOn(alert -> alert.getAccountId().equals("payg")).satisfiesExactly(
                alert -> assertAlert(alert, "CEILING_90", "18", effective),
                alert -> assertAlert(alert, "CEILING_100", "20", effective));
        // Billing (rule 6): November had no ceiling before the 15th, so its largest is none: nothing changes
        assertThat(overage()).filteredOn(update -> update.getAccountId().equals("payg")).isEmpty();

        // The account's next request, at the clock Nov 16: $31 x 30 days / 15 days = $62 reaches the $20 ceiling
        var next = spend("payg", "1", "2026-11-16T00:00:00Z");
        assertThat(alerts()).singleElement().satisfies(alert -> {
            assertThat(alert.getAlert()).isEqualTo("FORECAST_CEILING");
            assertThat(alert.getUsageUsd()).isEqualByComparingTo("31");
            assertThat(alert.getThresholdUsd()).isEqualByComparingTo("20");
            assertThat(alert.getAt()).isEqualTo(next.getCompletedAt());
            assertThat(alert.getRequestId()).isEqualTo(next.getRequestId());
        });
    }

    private static void assertAlert(SpendAlert alert, String name, String threshold, Instant at) {
        assertThat(alert.getAlert()).isEqualTo(name);
        assertThat(alert.getThresholdUsd()).isEqualByComparingTo(threshold);
        assertThat(alert.getUsageUsd()).isEqualByComparingTo("30");
        assertThat(alert.getAt()).isEqualTo(at);
        assertThat(alert.getRequestId()).isNull();
    }

    @Test
    void aLoweredCeilingCapsTheMomentItTakesEffectOnTheWallClockOfAQuietPartition() {
        // The driver's wall clock starts at 2026-11-27T00:00Z; the partition goes quiet after 5 minutes.
        publishPlan(plan("payg", "Pay as you go", "0", null, null, "2026-01-01T00:00:00Z"), Instant.parse("2026-11-26T00:00:00Z"));
        spendDeep("payg", "30", "2026-11-26T23:50:00Z");
        Instant effective = Instant.parse("2026-11-27T00:03:00Z");
        publishPlan(plan("payg", "Capped", "0", "20", null, effective.toString()), Instant.parse("2026-11-26T23:55:00Z"));
        statuses();

        advanceWallClock(Duration.ofMinutes(6));

        assertThat(statuses("payg")).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("CAPPED");
            assertThat(status.getReason()).isEqualTo("PLAN_CHANGE");
            assertThat(status.getAsOf()).isEqualTo(effective);
            assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("20");
        });
        assertThat(priced()).hasSize(1);
    }

    @Test
    void aFreeAccountWhoseUpgradeIsScheduledAheadIsCappedAtItsFreeCeilingUntilTheUpgradeTakesEffect() {
        publishPlan(plan("free", "Free", "5", "5", null, "2026-01-01T00:00:00Z"), Instant.parse("2026-11-01T00:00:00Z"));
        Instant upgrade = Instant.parse("2026-11-18T00:00:00Z");
        publishPlan(plan("free", "Team", "20", "100", null, upgrade.toString()), Instant.parse("2026-11-05T00:00:00Z"));
        statuses();

        var request = spend("free", "6", "2026-11-10T00:00:00Z");
        assertThat(statuses("free")).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("CAPPED");
            assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("5");
            // billing (rule 6): the month's largest credit is the upgrade's
            assertThat(status.getIncludedCreditUsd()).isEqualByComparingTo("20");
        });
        assertThat(alerts()).filteredOn(alert -> alert.getAlert().equals("CEILING_100")).singleElement()
                .satisfies(alert -> {
                    assertThat(alert.getThresholdUsd()).isEqualByComparingTo("5");
                    assertThat(alert.getRequestId()).isEqualTo(request.getRequestId());
                });

        spend("other", "1", "2026-11-19T00:00:00Z");
        assertThat(statuses("free")).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("ACTIVE");
            assertThat(status.getReason()).isEqualTo("PLAN_CHANGE");
            assertThat(status.getAsOf()).isEqualTo(upgrade);
            assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("100");
        });
    }

    @Test
    void aRequestsCeilingAlertsFollowTheControlCeilingInThresholdOrderWithTheCreditAlerts() {
        // Free now ($5 credit, $5 ceiling); the same credit with a $100 ceiling scheduled from Nov 18: November's
        // billing terms are ($5, $100), its control ceiling $5 until the 18th.
        publishPlan(plan("free", "Free", "5", "5", null, "2026-01-01T00:00:00Z"), Instant.parse("2026-11-01T00:00:00Z"));
        publishPlan(plan("free", "Free plus", "5", "100", null, "2026-11-18T00:00:00Z"), Instant.parse("2026-11-01T12:00:00Z"));

        spend("free", "6", "2026-11-02T00:00:00Z");

        // Rule 9: lowest threshold first, CEILING_90 ($4.50 of the control ceiling) before CREDIT_100 ($5)
        assertThat(alerts()).extracting(SpendAlert::getAlert)
                .containsExactly("CREDIT_50", "CREDIT_80", "CEILING_90", "CREDIT_100", "CEILING_100");
    }

    /**
     * Issue 13's review: a plan record stamped after our wall clock (a producer that sets the timestamp to
     * effective_from) counts from the wall clock (2026-11-27 here), so the account's status stays in November and still
     * caps it, instead of jumping to December and never capping November.
     */
    @Test
    void aPlanRecordStampedInTheFutureCountsFromTheWallClockAndTheAccountIsStillCapped() {
        publishPlan(plan("ahead", "Free", "0", "0.5", null, "2020-01-01T00:00:00Z"));
        Instant december = Instant.parse("2026-12-01T00:00:00Z");
        assertThat(december).isAfter(WALL_CLOCK_START);
        publishPlan(plan("ahead", "Team", "20", "100", null, december.toString()), december);
        spend("ahead", "0.2", "2026-11-20T00:00:00Z");
        spend("ahead", "0.2", "2026-11-20T00:00:01Z");
        spend("ahead", "0.2", "2026-11-20T00:00:02Z");

        assertThat(statuses("ahead")).last().satisfies(status -> {
            assertThat(status.getBillingMonth()).isEqualTo("2026-11");
            assertThat(status.getStatus()).isEqualTo("CAPPED");
            assertThat(status.getUsageUsd()).isEqualByComparingTo("0.6");
            assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("0.5");
        });
    }
}
