package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 12, the cap: an account whose usage reaches the ceiling of the plan version in force is CAPPED at once (a
 * status change is never throttled), with CEILING_100; a $0 ceiling caps with no request at all. A Free account:
 * $5 of credit, a $5 ceiling, in force since January, published on Nov 1.
 */
class CapStatusTest extends PipelineTest {
    private static final Instant NOVEMBER = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant DECEMBER = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void thePlanChangeGivesTheFirstStatusAndUsageReachingTheCeilingCapsAtOnceWithCeiling100() {
        publishPlan(plan("free", "Free", "5", "5", null, "2026-01-01T00:00:00Z"), NOVEMBER);
        assertThat(statuses("free")).singleElement().satisfies(status -> {
            assertThat(status.getReason()).isEqualTo("PLAN_CHANGE");
            assertThat(status.getStatus()).isEqualTo("ACTIVE");
            assertThat(status.getBillingMonth()).isEqualTo("2026-11");
            assertThat(status.getUsageUsd()).isEqualByComparingTo("0");
            assertThat(status.getIncludedCreditUsd()).isEqualByComparingTo("5");
            assertThat(status.getCreditRemainingUsd()).isEqualByComparingTo("5");
            assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("5");
            assertThat(status.getRemainingUsd()).isEqualByComparingTo("5");
            assertThat(status.getPeriodStart()).isEqualTo(NOVEMBER);
            assertThat(status.getPeriodEnd()).isEqualTo(DECEMBER);
            assertThat(status.getProjectedUsageUsd()).isNull();
            // no clock yet: the publication
            assertThat(status.getAsOf()).isEqualTo(NOVEMBER);
        });

        spend("free", "4", "2026-11-10T00:00:00Z");
        // 9 of 30 days passed: $4 x 30 / 9, half-up to the nano-dollar
        BigDecimal projected = new BigDecimal("4").multiply(BigDecimal.valueOf(Duration.ofDays(30).toMillis()))
                .divide(BigDecimal.valueOf(Duration.ofDays(9).toMillis()), 9, RoundingMode.HALF_UP);
        assertThat(statuses("free")).singleElement().satisfies(status -> {
            assertThat(status.getReason()).isEqualTo("USAGE");
            assertThat(status.getStatus()).isEqualTo("ACTIVE");
            assertThat(status.getUsageUsd()).isEqualByComparingTo("4");
            assertThat(status.getCreditRemainingUsd()).isEqualByComparingTo("1");
            assertThat(status.getRemainingUsd()).isEqualByComparingTo("1");
            assertThat(status.getProjectedUsageUsd()).isEqualTo(projected).isEqualByComparingTo("13.333333333");
            assertThat(status.getAsOf()).isEqualTo(Instant.parse("2026-11-10T00:00:00Z"));
        });
        assertThat(alerts()).extracting(SpendAlert::getAlert).containsExactly("CREDIT_50", "CREDIT_80", "FORECAST_CEILING");

        // Five seconds later, within the status interval: a status change is emitted at once
        var capping = spend("free", "1.5", "2026-11-10T00:00:05Z");
        SpendStatus capped = statuses("free").get(0);
        assertThat(capped.getStatus()).isEqualTo("CAPPED");
        assertThat(capped.getReason()).isEqualTo("USAGE");
        assertThat(capped.getUsageUsd()).isEqualByComparingTo("5.5");
        assertThat(capped.getRemainingUsd()).isEqualByComparingTo("0");
        assertThat(capped.getCreditRemainingUsd()).isEqualByComparingTo("0");
        assertThat(capped.getAsOf()).isEqualTo(Instant.parse("2026-11-10T00:00:05Z"));
        var cappingAlerts = alerts();
        assertThat(cappingAlerts).extracting(SpendAlert::getAlert).containsExactly("CEILING_90", "CREDIT_100", "CEILING_100");
        assertThat(cappingAlerts).allSatisfy(alert -> assertThat(alert.getRequestId()).isEqualTo(capping.getRequestId()));
        assertThat(statuses()).isEmpty();

        // Capped stays capped: more usage is no status change, and within the interval it waits
        spend("free", "1", "2026-11-10T00:00:06Z");
        assertThat(statuses()).isEmpty();
    }

    @Test
    void ceiling100NamesTheRequestThatReachedTheControlCeiling() {
        publishPlan(plan("free", "Free", "5", "5", null, "2026-01-01T00:00:00Z"), NOVEMBER);
        var request = spend("free", "5", "2026-11-02T00:00:00Z");
        assertThat(alerts()).filteredOn(alert -> alert.getAlert().equals("CEILING_100")).singleElement()
                .satisfies(alert -> {
                    assertThat(alert.getThresholdUsd()).isEqualByComparingTo("5");
                    assertThat(alert.getUsageUsd()).isEqualByComparingTo("5");
                    assertThat(alert.getRequestId()).isEqualTo(request.getRequestId());
                    assertThat(alert.getAt()).isEqualTo(request.getCompletedAt());
                });
        assertThat(statuses("free")).last().satisfies(status -> assertThat(status.getStatus()).isEqualTo("CAPPED"));
    }

    @Test
    void aZeroCeilingCapsAtOnceWithNoRequest() {
        Instant published = Instant.parse("2026-11-05T12:00:00Z");
        publishPlan(plan("blocked", "Blocked", "0", "0", null, "2026-01-01T00:00:00Z"), published);

        assertThat(statuses("blocked")).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("CAPPED");
            assertThat(status.getReason()).isEqualTo("PLAN_CHANGE");
            assertThat(status.getUsageUsd()).isEqualByComparingTo("0");
            assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("0");
            assertThat(status.getRemainingUsd()).isEqualByComparingTo("0");
            assertThat(status.getAsOf()).isEqualTo(published);
        });
        assertThat(priced()).isEmpty();
    }

    @Test
    void anAccountWithNoPlanIsActiveWithNoCeilingAndNoRemaining() {
        spend("payg", "3", "2026-11-10T00:00:00Z");
        assertThat(statuses("payg")).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("ACTIVE");
            assertThat(status.getReason()).isEqualTo("USAGE");
            assertThat(status.getSpendCeilingUsd()).isNull();
            assertThat(status.getRemainingUsd()).isNull();
            assertThat(status.getIncludedCreditUsd()).isEqualByComparingTo("0");
            assertThat(status.getCreditRemainingUsd()).isEqualByComparingTo("0");
        });
    }
}
