package com.fluxrouter.billing.local;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class LiveViewTest {
    @Test
    void usageOverTheCeilingShowsTheWaivedRest() {
        // A Free account: $22.10 of usage against a $0.05 ceiling, $22.05 of it waived (rule 7).
        assertThat(LiveView.waived(new BigDecimal("22.100000000"), new BigDecimal("0.050000000")))
                .isEqualTo("  waived $22.0500 over the ceiling");
    }

    @Test
    void usageAtOrUnderTheCeilingOrWithoutOneWaivesNothing() {
        assertThat(LiveView.waived(new BigDecimal("0.05"), new BigDecimal("0.050000000"))).isEmpty();
        assertThat(LiveView.waived(new BigDecimal("0.01"), new BigDecimal("0.05"))).isEmpty();
        assertThat(LiveView.waived(new BigDecimal("1000"), null)).isEmpty();
    }

    @Test
    void lastMonthsTrafficCompletesTwelveHoursBeforeTheMonthEnds() {
        assertThat(Demo.lastMonth(Instant.parse("2026-11-29T11:00:00Z"))).isEqualTo(Instant.parse("2026-10-31T12:00:00Z"));
        assertThat(Demo.lastMonth(Instant.parse("2027-01-15T00:30:00Z"))).isEqualTo(Instant.parse("2026-12-31T12:00:00Z"));
        assertThat(Demo.lastMonth(Instant.parse("2028-03-15T00:00:00Z"))).isEqualTo(Instant.parse("2028-02-29T12:00:00Z"));
    }

    /**
     * The opening month must close on the demo's own traffic: December closes at 2027-01-02T00:00Z in UTC and, with
     * New York's 24 h of grace after its end at 05:00Z, at 2027-01-02T05:00Z there. A demo started before then opens
     * with November (at most 33 days back: within the 35-day deduplication window).
     */
    @Test
    void lastMonthsTrafficIsOfAMonthThatHasClosedInEveryDemoZone() {
        assertThat(Demo.lastMonth(Instant.parse("2027-01-01T00:30:00Z"))).isEqualTo(Instant.parse("2026-11-30T12:00:00Z"));
        assertThat(Demo.lastMonth(Instant.parse("2027-01-02T04:59:59Z"))).isEqualTo(Instant.parse("2026-11-30T12:00:00Z"));
        assertThat(Demo.lastMonth(Instant.parse("2027-01-02T05:00:00Z"))).isEqualTo(Instant.parse("2026-12-31T12:00:00Z"));
        assertThat(Demo.lastMonth(Instant.parse("2026-08-02T04:59:59Z"))).isEqualTo(Instant.parse("2026-06-30T12:00:00Z"));
    }
}
