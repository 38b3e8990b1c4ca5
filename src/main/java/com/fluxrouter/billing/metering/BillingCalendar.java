package com.fluxrouter.billing.metering;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;

/** Calendar-month arithmetic in an account's billing time zone. */
public final class BillingCalendar {
    private BillingCalendar() {
    }

    /** The calendar month containing the instant, in the zone. */
    public static YearMonth monthOf(long epochMillis, ZoneId zone) {
        return YearMonth.from(Instant.ofEpochMilli(epochMillis).atZone(zone));
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
