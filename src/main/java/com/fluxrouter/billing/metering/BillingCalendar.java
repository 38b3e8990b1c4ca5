package com.fluxrouter.billing.metering;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;

/** Calendar-month arithmetic in an account's billing time zone. */
public final class BillingCalendar {
    private BillingCalendar() {
    }

    /** The calendar month containing the instant, in the zone. */
    public static YearMonth monthOf(long epochMillis, ZoneId zone) {
        // The local date alone: YearMonth.from(ZonedDateTime) goes through the generic TemporalAccessor queries, a
        // measurable share of the metering step (docs/performance.md).
        LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), zone);
        return YearMonth.of(day.getYear(), day.getMonthValue());
    }

    /** First instant of the month in the zone (inclusive). */
    public static long start(YearMonth month, ZoneId zone) {
        return month.atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
    }

    /** First instant after the month in the zone (exclusive end). */
    public static long end(YearMonth month, ZoneId zone) {
        return start(month.plusMonths(1), zone);
    }
}
