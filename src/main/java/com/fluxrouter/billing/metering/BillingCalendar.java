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

    /**
     * The billing month a ledger names ({@code YearMonth.toString()}, rule 5), as {@link YearMonth#parse} reads it.
     * The common form, four digits, a dash and two digits, is read directly: {@code YearMonth.parse} goes through a
     * {@code DateTimeFormatter}, 2.5 % of replay's thread when every request parsed its month a few times
     * (docs/performance.md). Anything else (a year beyond four digits, a month out of range, text that is no month)
     * goes to {@code YearMonth.parse}, so what it accepts and how it fails stay its own.
     *
     * @param text a month as {@code YearMonth.toString()} writes it, such as {@code 2026-09}
     * @return that month
     * @throws java.time.format.DateTimeParseException when the text is no month
     */
    public static YearMonth parseMonth(String text) {
        if (text.length() != 7 || text.charAt(4) != '-') {
            return YearMonth.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        if (year < 0 || month < 1 || month > 12) {
            return YearMonth.parse(text);
        }
        return YearMonth.of(year, month);
    }

    /** The decimal value of text[from, to), or -1 if any of it is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
