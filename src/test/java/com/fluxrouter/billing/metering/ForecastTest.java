package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.SpendAlert;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 12, forecast: projected_usage_usd = usage x (period_end - period_start) / (as_of - period_start), exact on
 * nano-dollars and milliseconds, rounded half-up to the nano-dollar, null before 20 % of the month; FORECAST_CEILING
 * once per account-month when the projection first reaches the control ceiling. October 2026 in UTC: 31 days.
 */
class ForecastTest extends PipelineTest {
    private static final Instant OCTOBER = Instant.parse("2026-10-01T00:00:00Z");
    private static final long OCTOBER_MS = Duration.ofDays(31).toMillis();

    private static BigDecimal projection(String usage, Instant asOf) {
        return new BigDecimal(usage).multiply(BigDecimal.valueOf(OCTOBER_MS))
                .divide(BigDecimal.valueOf(Duration.between(OCTOBER, asOf).toMillis()), 9, RoundingMode.HALF_UP);
    }

    @Test
    void theProjectionIsRoundedHalfUpToTheNanoDollar() {
        // 1 token at $1 per 1M is $0.000001; 18 d 8 h 53 min 20 s = 1,587,200,000 ms into October:
        // 1,000 nanos x 2,678,400,000 / 1,587,200,000 = 1,687.5 nanos, half-up 1,688 (half-even and floor: 1,687)
        Instant asOf = Instant.parse("2026-10-19T08:53:20Z");
        assertThat(Duration.between(OCTOBER, asOf).toMillis()).isEqualTo(1_587_200_000L);
        send(request("fc", Lane.EXPRESS, 1, 0, asOf.toString()));

        assertThat(statuses("fc")).singleElement().satisfies(status -> {
            assertThat(status.getProjectedUsageUsd()).isEqualTo(projection("0.000001", asOf));
            assertThat(status.getProjectedUsageUsd()).isEqualByComparingTo("0.000001688");
        });
    }

    @Test
    void thereIsNoProjectionBefore20PercentOfTheMonthAndOneFromThenOn() {
        // 20 % of 31 days: 6 d 4 h 48 min
        Instant fifth = OCTOBER.plus(Duration.ofDays(31).dividedBy(5));
        assertThat(fifth).isEqualTo(Instant.parse("2026-10-07T04:48:00Z"));
        spend("early", "10", fifth.minusMillis(1).toString());
        assertThat(statuses("early")).singleElement()
                .satisfies(status -> assertThat(status.getProjectedUsageUsd()).isNull());

        spend("on-time", "10", fifth.toString());
        assertThat(statuses("on-time")).singleElement()
                .satisfies(status -> assertThat(status.getProjectedUsageUsd()).isEqualByComparingTo("50"));
    }

    @Test
    void forecastCeilingFiresOncePerAccountMonthWhenTheProjectionFirstReachesTheControlCeiling() {
        publishPlan(plan("fc", "Team", "0", "100", null, "2026-01-01T00:00:00Z"), OCTOBER);
        spendDeep("fc", "25", "2026-10-07T00:00:00Z");
        assertThat(statuses("fc")).last().satisfies(status -> assertThat(status.getProjectedUsageUsd()).isNull());
        assertThat(alerts()).as("no projection before 20 % of the month").isEmpty();

        var request = spend("fc", "1", "2026-10-08T00:00:00Z");
        Instant asOf = request.getCompletedAt();
        assertThat(projection("26", asOf)).isGreaterThanOrEqualTo(new BigDecimal("100"));
        assertThat(statuses("fc")).singleElement().satisfies(status ->
                assertThat(status.getProjectedUsageUsd()).isEqualTo(projection("26", asOf)));
        assertThat(alerts()).singleElement().satisfies(alert -> {
            assertThat(alert.getAlert()).isEqualTo("FORECAST_CEILING");
            assertThat(alert.getBillingMonth()).isEqualTo("2026-10");
            assertThat(alert.getUsageUsd()).isEqualByComparingTo("26");
            assertThat(alert.getThresholdUsd()).isEqualByComparingTo("100");
            assertThat(alert.getAt()).isEqualTo(asOf);
            assertThat(alert.getRequestId()).isEqualTo(request.getRequestId());
        });

        spend("fc", "1", "2026-10-09T00:00:00Z");
        assertThat(alerts()).as("once per account-month").isEmpty();

        // November: 7 of 30 days, $30 projects to $128.57: a new account-month, a new alert
        spendDeep("fc", "30", "2026-11-08T00:00:00Z");
        assertThat(alerts()).filteredOn(alert -> alert.getBillingMonth().equals("2026-11"))
                .extracting(SpendAlert::getAlert).containsExactly("FORECAST_CEILING");
    }

    @Test
    void aProjectionBelowTheCeilingFiresNothing() {
        publishPlan(plan("fc", "Team", "0", "100", null, "2026-01-01T00:00:00Z"), OCTOBER);
        // 10 of 31 days: $30 projects to $93
        spendDeep("fc", "30", "2026-10-11T00:00:00Z");
        assertThat(projection("30", Instant.parse("2026-10-11T00:00:00Z"))).isEqualByComparingTo("93");
        assertThat(alerts()).isEmpty();
    }
}
