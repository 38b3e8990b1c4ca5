package com.fluxrouter.billing.replay;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * ISO-8601 UTC instants as {@link Instant#parse} reads them and {@link Instant#toString} writes them, without their
 * general formatter in the common case: every request line carries one to three, and the general formatter was a
 * tenth of reading a line in replay's profile. The common case is {@code yyyy-MM-ddTHH:mm:ss}, an optional
 * fraction of 1 to 9 digits, and {@code Z}, in the years 0000 to 9999; anything else (lower case, offsets, leap
 * seconds, 24:00, other years, invalid dates) goes to {@link Instant} itself, so the results and the failures are
 * its own.
 */
final class IsoInstants {
    private static final long SECONDS_PER_DAY = 86_400L;
    /** 10000-01-01T00:00:00Z: from there on {@link Instant#toString} writes a sign and more year digits. */
    private static final long YEAR_10000 = 253_402_300_800L;
    private static final int[] TENS = {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    private IsoInstants() {
    }

    /**
     * {@link Instant#parse}'s result.
     *
     * @throws java.time.format.DateTimeParseException as {@link Instant#parse} throws it
     */
    static Instant parse(CharSequence text) {
        Instant common = parseCommon(text);
        return common != null ? common : Instant.parse(text);
    }

    /** {@link Instant#toString}'s text. */
    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < 0 || seconds >= YEAR_10000) {
            return instant.toString();
        }
        int nanos = instant.getNano();
        int digits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        char[] text = new char[20 + (digits == 0 ? 0 : digits + 1)];
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, SECONDS_PER_DAY));
        int time = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        put(text, 0, date.getYear(), 4);
        text[4] = '-';
        put(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        put(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        put(text, 11, time / 3600, 2);
        text[13] = ':';
        put(text, 14, time / 60 % 60, 2);
        text[16] = ':';
        put(text, 17, time % 60, 2);
        if (digits > 0) {
            text[19] = '.';
            put(text, 20, nanos / TENS[digits - 1], digits);
        }
        text[text.length - 1] = 'Z';
        return new String(text);
    }

    private static void put(char[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The instant of a text in the common form; null for any other text. */
    private static Instant parseCommon(CharSequence text) {
        int length = text.length();
        if (length < 20 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int nanos = 0;
        if (length > 20) {
            int fraction = length - 21;
            if (text.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            int value = digits(text, 20, fraction);
            if (value < 0) {
                return null;
            }
            nanos = value * TENS[fraction - 1];
        }
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59) {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException invalidDate) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nanos);
    }

    /** The decimal value of {@code count} ASCII digits from {@code at}; -1 if any is not one. */
    private static int digits(CharSequence text, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
