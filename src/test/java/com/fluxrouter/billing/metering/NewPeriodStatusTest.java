package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 12, new period: when an account's billing month ends in its own zone, it gets its new month's status
 * (ACTIVE, NEW_PERIOD, usage 0) with no request of its own: on the partition's billing clock (another account's
 * request) or on the wall clock of a quiet partition. Month boundaries here are written as UTC instants worked out
 * by hand from the zones' offsets: Honolulu UTC-10 all year, Tongatapu UTC+13, New York UTC-4 until 02:00 on Nov 1
 * 2026 (the first Sunday of November) and UTC-5 after.
 */
class NewPeriodStatusTest extends PipelineTest {

    @Test
    void aCappedHonoluluAccountBecomesActiveAtMidnightHonoluluTimeWhenAnotherAccountsRequestMovesTheClock() {
        publishPlan(plan("hnl", "Free", "5", "5", "Pacific/Honolulu", "2026-01-01T00:00:00Z"), Instant.parse("2026-10-01T10:00:00Z"));
        spend("hnl", "6", "2026-10-20T00:00:00Z");
        assertThat(statuses("hnl")).last().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("CAPPED");
            assertThat(status.getBillingMonth()).isEqualTo("2026-10");
            assertThat(status.getPeriodEnd()).isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
        });

        spend("other", "1", "2026-11-01T09:59:59.999Z");
        assertThat(statuses("hnl")).as("still October in Honolulu").isEmpty();
        spend("other", "1", "2026-11-01T10:00:00Z");

        assertThat(statuses("hnl")).singleElement().satisfies(status -> {
            assertThat(status.getReason()).isEqualTo("NEW_PERIOD");
            assertThat(status.getStatus()).isEqualTo("ACTIVE");
            assertThat(status.getBillingMonth()).isEqualTo("2026-11");
            assertThat(status.getUsageUsd()).isEqualByComparingTo("0");
            assertThat(status.getRemainingUsd()).isEqualByComparingTo("5");
            assertThat(status.getAsOf()).isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
            assertThat(status.getPeriodStart()).isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
            assertThat(status.getPeriodEnd()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        });
    }

    @Test
    void aCappedTongatapuAccountBecomesActiveAtMidnightTongaTimeOnTheWallClockOfAQuietPartition() {
        // The driver's wall clock starts at 2026-11-27T00:00Z; December starts in Tonga at 2026-11-30T11:00Z.
        publishPlan(plan("tonga", "Free", "5", "5", "Pacific/Tongatapu", "2026-01-01T00:00:00Z"), Instant.parse("2026-11-01T00:00:00Z"));
        spend("tonga", "6", "2026-11-26T23:00:00Z");
        assertThat(statuses("tonga")).last().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("CAPPED");
            assertThat(status.getBillingMonth()).isEqualTo("2026-11");
        });

        Instant december = Instant.parse("2026-11-30T11:00:00Z");
        advanceWallClock(Duration.between(Instant.parse("2026-11-27T00:00:00Z"), december.minusSeconds(60)));
        assertThat(statuses("tonga")).as("the quiet partition's clock is at 10:59Z, still November in Tonga").isEmpty();
        advanceWallClock(Duration.ofMinutes(2));

        assertThat(statuses("tonga")).singleElement().satisfies(status -> {
            assertThat(status.getReason()).isEqualTo("NEW_PERIOD");
            assertThat(status.getStatus()).isEqualTo("ACTIVE");
            assertThat(status.getBillingMonth()).isEqualTo("2026-12");
            assertThat(status.getUsageUsd()).isEqualByComparingTo("0");
            assertThat(status.getAsOf()).isEqualTo(december);
            assertThat(status.getPeriodStart()).isEqualTo(december);
            assertThat(status.getPeriodEnd()).isEqualTo(Instant.parse("2026-12-31T11:00:00Z"));
        });
    }

    @Test
    void aNewYorkAccountsNovemberStartsAtMidnightDaylightTimeEndsAtMidnightStandardTimeAndIsForecastOverItsLength() {
        publishPlan(plan("nyc", "Team", "10", "20", "America/New_York", "2026-01-01T00:00:00Z"), Instant.parse("2026-10-01T04:00:00Z"));
        spendDeep("nyc", "25", "2026-10-31T12:00:00Z");
        assertThat(statuses("nyc")).last().satisfies(status -> assertThat(status.getStatus()).isEqualTo("CAPPED"));

        spend("other", "1", "2026-11-01T03:59:59.999Z");
        assertThat(statuses("nyc")).as("23:59:59.999 on Oct 31 in New York").isEmpty();
        spend("other", "1", "2026-11-01T04:00:00Z");
        Instant start = Instant.parse("2026-11-01T04:00:00Z");
        Instant end = Instant.parse("2026-12-01T05:00:00Z");
        assertThat(statuses("nyc")).singleElement().satisfies(status -> {
            assertThat(status.getReason()).isEqualTo("NEW_PERIOD");
            assertThat(status.getStatus()).isEqualTo("ACTIVE");
            assertThat(status.getBillingMonth()).isEqualTo("2026-11");
            assertThat(status.getPeriodStart()).isEqualTo(start);
            assertThat(status.getPeriodEnd()).isEqualTo(end);
        });

        // November in New York is 30 days and 1 hour (721 h); 173 h after its start, $1.73 projects to $7.21
        spend("nyc", "1.73", "2026-11-08T09:00:00Z");
        BigDecimal projected = new BigDecimal("1.73").multiply(BigDecimal.valueOf(Duration.between(start, end).toMillis()))
                .divide(BigDecimal.valueOf(Duration.ofHours(173).toMillis()), 9, RoundingMode.HALF_UP);
        assertThat(projected).isEqualByComparingTo("7.21");
        assertThat(statuses("nyc")).singleElement().satisfies(status ->
                assertThat(status.getProjectedUsageUsd()).isEqualTo(projected));
    }

    @Test
    void aClockThatJumpsOverSeveralMonthEndsGivesOneNewPeriodStatusThatOfTheCurrentPeriod() {
        publishPlan(plan("acct", "Free", "5", "5", null, "2026-01-01T00:00:00Z"), Instant.parse("2026-07-15T00:00:00Z"));
        assertThat(statuses("acct")).singleElement()
                .satisfies(status -> assertThat(status.getBillingMonth()).isEqualTo("2026-07"));

        spend("other", "1", "2026-10-20T00:00:00Z");

        assertThat(statuses("acct")).singleElement().satisfies(status -> {
            assertThat(status.getReason()).isEqualTo("NEW_PERIOD");
            assertThat(status.getBillingMonth()).isEqualTo("2026-10");
            assertThat(status.getAsOf()).isEqualTo(Instant.parse("2026-10-01T00:00:00Z"));
        });
    }
}
