package com.fluxrouter.billing.metering;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;

/** Calendar-month arithmetic in an account's billing time zone. */
public final class BillingCalendar {
    /** 2^6 slots, each holding the bounds last computed for a month and zone that hash to it. */
    private static final int HELD_SHIFT = Integer.SIZE - 6;

    /**
     * Shared by every thread without a lock: a slot holds an immutable record (its fields final, so a thread that
     * reads it sees it whole), a thread that reads a slot another is writing sees the old record or the new one, and
     * either is checked against the month and zone asked for. Writes happen only on a miss, so the slots stay in
     * every core's cache. The bounds of a month in a zone never change (the JVM's time-zone rules are loaded once),
     * so what a slot holds is never stale. (A {@code ThreadLocal} array cost half of what it saved, in its lookup.)
     */
    private static final Bounds[] HELD = new Bounds[1 << (Integer.SIZE - HELD_SHIFT)];

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

    /**
     * First instant of the month in the zone (inclusive), rule 5.
     *
     * @return epoch ms
     */
    public static long start(YearMonth month, ZoneId zone) {
        return bounds(month, zone).start();
    }

    /**
     * First instant after the month in the zone (exclusive end), rule 5.
     *
     * @return epoch ms
     */
    public static long end(YearMonth month, ZoneId zone) {
        return bounds(month, zone).end();
    }

    /**
     * The month's bounds, from {@link #HELD} when they were computed last for this month and zone there:
     * each request asks for its month's bounds a few times (the period of its status, the close, the forecast), and
     * each computation builds a {@code ZonedDateTime} against the zone's rules, the largest frame of the metering step
     * in the profile of 2026-11-30T17:23Z (docs/performance.md).
     */
    private static Bounds bounds(YearMonth month, ZoneId zone) {
        int slot = ((month.getYear() * 12 + month.getMonthValue()) * 31 + zone.hashCode()) * 0x9E3779B9 >>> HELD_SHIFT;
        Bounds bounds = HELD[slot];
        if (bounds != null && bounds.month().equals(month) && bounds.zone().equals(zone)) {
            return bounds;
        }
        bounds = new Bounds(month, zone, firstInstant(month, zone), firstInstant(month.plusMonths(1), zone));
        HELD[slot] = bounds;
        return bounds;
    }

    private static long firstInstant(YearMonth month, ZoneId zone) {
        return month.atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
    }

    /** A month's first instant and the first instant after it in a zone, epoch ms. */
    private record Bounds(YearMonth month, ZoneId zone, long start, long end) {
    }
}
