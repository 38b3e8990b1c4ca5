package com.fluxrouter.billing.local;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.metering.BillingCalendar;
import com.fluxrouter.billing.schema.AccountPlan;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.stream.Collectors;

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

    /**
     * The property behind the two tests above, against every zone DemoPlans bills in (not a constant for New York),
     * the default grace and the default deduplication window: every 15 minutes from 2026 through 2029 (a leap
     * February, both DST changes), each minute of the first 40 hours of every month and each second around its 29th
     * hour, the opening requests fall in one month in every demo zone, that month has closed there (its end in the
     * zone plus the grace), they are inside the window, and the month is the previous one or, in the first 29 hours
     * of a month, the one before it.
     */
    @Test
    void lastMonthsTrafficClosesInEveryDemoZoneWithinTheDeduplicationWindowWheneverTheDemoStarts() {
        Set<ZoneId> zones = DemoPlans.forAccounts(1_000).stream().map(AccountPlan::getBillingTimeZone)
                .map(zone -> zone == null ? ZoneOffset.UTC : ZoneId.of(zone)).collect(Collectors.toSet());
        assertThat(zones).contains(ZoneOffset.UTC, ZoneId.of("America/New_York"));
        Duration grace = BillingConfig.defaults().grace();
        Duration window = BillingConfig.defaults().dedupWindow();
        for (Instant now = Instant.parse("2026-01-01T00:00:00Z"); now.isBefore(Instant.parse("2030-01-01T00:00:00Z"));
             now = now.plus(Duration.ofMinutes(15))) {
            checkOpening(now, zones, grace, window);
        }
        for (YearMonth month = YearMonth.of(2026, 1); month.isBefore(YearMonth.of(2030, 1));
             month = month.plusMonths(1)) {
            Instant start = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            for (long minute = -60; minute <= 40 * 60; minute++) {
                checkOpening(start.plus(Duration.ofMinutes(minute)), zones, grace, window);
            }
            Instant switches = start.plus(Duration.ofHours(29));
            for (long second = -300; second <= 300; second++) {
                checkOpening(switches.plusSeconds(second), zones, grace, window);
            }
        }
    }

    private static void checkOpening(Instant now, Set<ZoneId> zones, Duration grace, Duration window) {
        Instant opening = Demo.lastMonth(now);
        YearMonth month = YearMonth.from(opening.atZone(ZoneOffset.UTC));
        YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
        assertThat(month).as("at %s", now).isIn(current.minusMonths(1), current.minusMonths(2));
        for (ZoneId zone : zones) {
            assertThat(YearMonth.from(opening.atZone(zone))).as("%s in %s at %s", opening, zone, now).isEqualTo(month);
            long closesAt = BillingCalendar.end(month, zone) + grace.toMillis();
            assertThat(closesAt).as("%s closes in %s by %s", month, zone, now).isLessThanOrEqualTo(now.toEpochMilli());
        }
        assertThat(Duration.between(opening, now)).as("at %s", now).isLessThan(window)
                .isLessThanOrEqualTo(Duration.ofDays(33));
        if (!now.isBefore(current.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofHours(29)))) {
            assertThat(month).as("29 h or more into the month, at %s", now).isEqualTo(current.minusMonths(1));
        }
    }
}
