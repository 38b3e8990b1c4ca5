package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.schema.AccountPlan;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 12, PERIOD: a clock that jumped over several period ends gives the account the period the clock is in.
 * {@code MeterTransition.latestPeriodStart} jumps over the months; it must give what walking them one by one gives
 * (the reference below, the code it replaced), on every timeline: zones changing with plan versions, DST zones,
 * Honolulu (UTC-10) and Tongatapu (UTC+13), clocks a thousand years ahead.
 */
class LatestPeriodStartTest {
    private static final long YEAR_MS = 365L * 24 * 3_600_000L;
    private static final List<String> ZONES = List.of("UTC", "Z", "America/New_York", "Pacific/Honolulu",
            "Pacific/Tongatapu", "Europe/London", "Australia/Lord_Howe", "Pacific/Apia", "Asia/Kathmandu",
            "America/Sao_Paulo", "Pacific/Chatham", "Etc/GMT+10", "-10:00", "+13:00", "+14:00", "-12:00");

    /** The walk month by month: from a start, the end of its period, until one passes the clock. */
    private static long walk(PlanTimeline timeline, long from, long clock) {
        long start = from;
        while (true) {
            long end = periodEnd(timeline, start);
            if (end > clock) {
                return start;
            }
            start = end;
        }
    }

    /** The end of the month holding the start, in the zone in force at the start. */
    private static long periodEnd(PlanTimeline timeline, long start) {
        ZoneId zone = timeline.zoneAt(start);
        return YearMonth.from(Instant.ofEpochMilli(start).atZone(zone)).plusMonths(1).atDay(1).atStartOfDay(zone)
                .toInstant().toEpochMilli();
    }

    private static AccountPlan version(String zone, long effectiveFrom) {
        return new AccountPlan("acct", "plan", BigDecimal.ZERO.setScale(9), null, zone, Instant.ofEpochMilli(effectiveFrom));
    }

    private static long instant(int year, int month, int day) {
        return LocalDate.of(year, month, day).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    @Test
    void aClockOverManyPeriodEndsGivesThePeriodItIsIn() {
        // Honolulu's months start at 10:00Z; the clock a thousand years and a half month ahead of October 2026.
        PlanTimeline honolulu = PlanTimeline.of(List.of(version("Pacific/Honolulu", instant(2020, 1, 1))));
        long from = Instant.parse("2026-11-01T10:00:00Z").toEpochMilli();
        long clock = Instant.parse("3026-11-15T00:00:00Z").toEpochMilli();
        assertThat(MeterTransition.latestPeriodStart(honolulu, from, clock))
                .isEqualTo(Instant.parse("3026-11-01T10:00:00Z").toEpochMilli());
        assertThat(MeterTransition.latestPeriodStart(honolulu, from, Instant.parse("3026-11-01T09:59:59.999Z").toEpochMilli()))
                .isEqualTo(Instant.parse("3026-10-01T10:00:00Z").toEpochMilli());
    }

    @Test
    void aZoneChangeOnTheWayMovesTheMonthStartsToTheNewZone() {
        // Tongatapu (UTC+13) until mid-March 2030, then New York: its April starts at 04:00Z (EDT).
        PlanTimeline timeline = PlanTimeline.of(List.of(version("Pacific/Tongatapu", instant(2020, 1, 1)),
                version("America/New_York", instant(2030, 3, 15))));
        long from = Instant.parse("2026-10-31T11:00:00Z").toEpochMilli();
        long clock = Instant.parse("2031-04-10T00:00:00Z").toEpochMilli();
        assertThat(MeterTransition.latestPeriodStart(timeline, from, clock))
                .isEqualTo(Instant.parse("2031-04-01T04:00:00Z").toEpochMilli());
    }

    @Test
    void equalsTheWalkOnRandomTimelines() {
        Random random = new Random(14);
        for (int run = 0; run < 2_000; run++) {
            PlanTimeline timeline = randomTimeline(random);
            long from = instant(1990, 1, 1) + (long) (random.nextDouble() * 80 * YEAR_MS);
            if (random.nextBoolean()) {
                // As the PERIOD deadline gives it: a month start in the zone in force then.
                ZoneId zone = timeline.zoneAt(from);
                from = BillingCalendar.start(BillingCalendar.monthOf(from, zone), zone);
            }
            long clock = switch (random.nextInt(10)) {
                case 0 -> from + (long) ((1_000 + random.nextDouble()) * YEAR_MS);
                case 1, 2 -> from - random.nextInt(1_000_000);
                case 3, 4 -> from + (long) (random.nextDouble() * 40 * 86_400_000L);
                default -> from + (long) (random.nextDouble() * 100 * YEAR_MS);
            };
            if (random.nextInt(4) == 0) {
                // A clock on or next to a version's effective_from or a month start.
                clock = nearBoundary(random, timeline, clock);
            }
            assertThat(MeterTransition.latestPeriodStart(timeline, from, clock))
                    .as("run %d: from %s, clock %s, versions %s", run, Instant.ofEpochMilli(from),
                            Instant.ofEpochMilli(clock), timeline.versions())
                    .isEqualTo(walk(timeline, from, clock));
        }
    }

    @Test
    void equalsTheWalkInEveryZoneAtEveryPeriodEndFrom1900To2100() {
        long from = Instant.parse("1900-01-15T00:00:00Z").toEpochMilli();
        long until = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
        for (String zoneId : new TreeSet<>(ZoneId.getAvailableZoneIds())) {
            PlanTimeline timeline = PlanTimeline.of(List.of(version(zoneId, instant(1800, 1, 1))));
            List<Long> starts = new ArrayList<>();
            for (long start = from; start < until; ) {
                starts.add(start);
                start = periodEnd(timeline, start);
            }
            for (int i = 1; i < starts.size(); i++) {
                long periodStart = starts.get(i);
                assertThat(MeterTransition.latestPeriodStart(timeline, from, periodStart)).as(zoneId).isEqualTo(periodStart);
                assertThat(MeterTransition.latestPeriodStart(timeline, from, periodStart - 1)).as(zoneId)
                        .isEqualTo(starts.get(i - 1));
            }
        }
    }

    private static PlanTimeline randomTimeline(Random random) {
        int count = random.nextInt(6);
        List<AccountPlan> versions = new ArrayList<>();
        long at = instant(1985, 1, 1) + (long) (random.nextDouble() * 20 * YEAR_MS);
        for (int i = 0; i < count; i++) {
            String zone = random.nextInt(8) == 0 ? null : ZONES.get(random.nextInt(ZONES.size()));
            long effectiveFrom = at;
            if (random.nextBoolean()) {
                // On a month start of some zone, or next to one: where a jump's bound meets a period end.
                ZoneId boundaryZone = ZoneId.of(ZONES.get(random.nextInt(ZONES.size())));
                effectiveFrom = BillingCalendar.start(BillingCalendar.monthOf(at, boundaryZone), boundaryZone)
                        + random.nextInt(3) - 1;
            }
            versions.add(version(zone, effectiveFrom));
            at += random.nextInt(3) == 0 ? random.nextInt(3_600_000) : (long) (random.nextDouble() * 30 * YEAR_MS);
        }
        versions.sort(Comparator.comparing(AccountPlan::getEffectiveFrom));
        return PlanTimeline.of(versions);
    }

    private static long nearBoundary(Random random, PlanTimeline timeline, long clock) {
        long boundary;
        if (!timeline.versions().isEmpty() && random.nextBoolean()) {
            boundary = timeline.versions().get(random.nextInt(timeline.versions().size())).getEffectiveFrom().toEpochMilli();
        } else {
            ZoneId zone = timeline.zoneAt(clock);
            boundary = BillingCalendar.start(BillingCalendar.monthOf(clock, zone), zone);
        }
        return boundary + random.nextInt(3) - 1;
    }
}
