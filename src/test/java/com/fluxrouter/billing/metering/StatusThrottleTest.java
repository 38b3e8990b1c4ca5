package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 12, section C: a change of usage alone is emitted at most once per flux.billing.status-interval (default
 * PT10S) on the billing clock; a change within the interval waits for a STATUS deadline one interval after the last
 * status, which emits the then-current status; a change of status, credit or ceiling is never throttled.
 */
class StatusThrottleTest extends PipelineTest {

    @Test
    void usageChangesWithinTheIntervalWaitAndTheStatusDeadlineEmitsTheLatestWhenAnotherAccountMovesTheClock() {
        spend("a", "1", "2026-10-10T00:00:00Z");
        assertThat(statuses("a")).singleElement().satisfies(status -> assertThat(status.getUsageUsd()).isEqualByComparingTo("1"));

        spend("a", "2", "2026-10-10T00:00:04Z");
        spend("a", "3", "2026-10-10T00:00:06Z");
        spend("b", "1", "2026-10-10T00:00:09.999Z");
        assertThat(statuses("a")).as("within 10 s of the last status").isEmpty();

        spend("b", "1", "2026-10-10T00:00:10Z");
        assertThat(statuses("a")).singleElement().satisfies(status -> {
            assertThat(status.getReason()).isEqualTo("USAGE");
            assertThat(status.getUsageUsd()).isEqualByComparingTo("6");
            assertThat(status.getAsOf()).isEqualTo(Instant.parse("2026-10-10T00:00:10Z"));
        });

        // A change at or past the interval is emitted with its request
        spend("a", "1", "2026-10-10T00:00:20Z");
        assertThat(statuses("a")).singleElement().satisfies(status -> assertThat(status.getUsageUsd()).isEqualByComparingTo("7"));
    }

    @Test
    void aWaitingUsageChangeIsEmittedOnTheWallClockOfAQuietPartition() {
        // The driver's wall clock starts at 2026-11-27T00:00Z.
        spend("a", "1", "2026-11-26T23:59:50Z");
        spend("a", "2", "2026-11-26T23:59:55Z");
        assertThat(statuses("a")).singleElement().satisfies(status -> assertThat(status.getUsageUsd()).isEqualByComparingTo("1"));

        advanceWallClock(Duration.ofMinutes(6));

        assertThat(statuses("a")).singleElement().satisfies(status -> {
            assertThat(status.getUsageUsd()).isEqualByComparingTo("3");
            assertThat(status.getAsOf()).isEqualTo(Instant.parse("2026-11-27T00:00:00Z"));
        });
    }

    @Test
    void aStatusChangeIsNeverThrottled() {
        publishPlan(plan("a", "Capped", "0", "5", null, "2026-01-01T00:00:00Z"), Instant.parse("2026-10-01T00:00:00Z"));
        spend("a", "4", "2026-10-10T00:00:00Z");
        statuses();

        spend("a", "2", "2026-10-10T00:00:01Z");
        assertThat(statuses("a")).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("CAPPED");
            assertThat(status.getAsOf()).isEqualTo(Instant.parse("2026-10-10T00:00:01Z"));
        });

        // ... nor a ceiling change: an upgrade 2 s later resumes at once
        publishPlan(plan("a", "Team", "0", "50", null, "2026-10-10T00:00:03Z"), Instant.parse("2026-10-10T00:00:03Z"));
        assertThat(statuses("a")).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("ACTIVE");
            assertThat(status.getReason()).isEqualTo("PLAN_CHANGE");
            assertThat(status.getAsOf()).isEqualTo(Instant.parse("2026-10-10T00:00:03Z"));
        });
    }
}
