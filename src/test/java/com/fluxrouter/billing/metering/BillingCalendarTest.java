package com.fluxrouter.billing.metering;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rule 5: the billing month is the calendar month of completed_at in the account's billing time zone. */
class BillingCalendarTest {

    private static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static Instant instant(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "Etc/GMT+12, 2026-11",          // UTC-12: 11:30 on Nov 30
            "Pacific/Pago_Pago, 2026-11",   // UTC-11
            "America/Los_Angeles, 2026-11",
            "America/New_York, 2026-11",
            "UTC, 2026-11",
            "Europe/Berlin, 2026-12",       // 00:30 on Dec 1
            "Asia/Kolkata, 2026-12",        // +05:30
            "Asia/Tokyo, 2026-12",
            "Pacific/Chatham, 2026-12",     // +13:45 in southern summer
            "Pacific/Kiritimati, 2026-12",  // UTC+14: 13:30 on Dec 1
    })
    void monthOfAnInstantDependsOnTheZoneFromUtcMinus12ToUtcPlus14(String zone, String expected) {
        assertThat(BillingCalendar.monthOf(ms("2026-11-30T23:30:00Z"), ZoneId.of(zone)))
                .isEqualTo(YearMonth.parse(expected));
    }

    @ParameterizedTest(name = "{0}: December 2026 starts at {1}")
    @CsvSource({
            "Etc/GMT+12, 2026-12-01T12:00:00Z",
            "UTC, 2026-12-01T00:00:00Z",
            "Asia/Kolkata, 2026-11-30T18:30:00Z",
            "Pacific/Kiritimati, 2026-11-30T10:00:00Z",
    })
    void monthStartsAtExactlyLocalMidnightAndThePreviousMillisecondBelongsToThePreviousMonth(String zone,
                                                                                            String expectedStart) {
        ZoneId id = ZoneId.of(zone);
        YearMonth december = YearMonth.of(2026, 12);
        long start = ms(expectedStart);
        assertThat(instant(BillingCalendar.start(december, id))).isEqualTo(Instant.parse(expectedStart));
        assertThat(instant(BillingCalendar.end(december.minusMonths(1), id))).isEqualTo(Instant.parse(expectedStart));
        assertThat(BillingCalendar.monthOf(start, id)).isEqualTo(december);
        assertThat(BillingCalendar.monthOf(start - 1, id)).isEqualTo(YearMonth.of(2026, 11));
    }

    @Test
    void newYorkMarchStartsInStandardTimeAndEndsInDaylightTime() {
        ZoneId newYork = ZoneId.of("America/New_York");
        YearMonth march = YearMonth.of(2026, 3);
        long start = BillingCalendar.start(march, newYork);
        long end = BillingCalendar.end(march, newYork);
        assertThat(instant(start)).isEqualTo(Instant.parse("2026-03-01T05:00:00Z")); // EST, UTC-5
        assertThat(instant(end)).isEqualTo(Instant.parse("2026-04-01T04:00:00Z"));   // EDT, UTC-4
        assertThat(Duration.ofMillis(end - start)).isEqualTo(Duration.ofDays(31).minusHours(1));
        assertThat(BillingCalendar.monthOf(end - 1, newYork)).isEqualTo(march);
        assertThat(BillingCalendar.monthOf(end, newYork)).isEqualTo(YearMonth.of(2026, 4));
    }

    @Test
    void newYorkNovemberStartsInDaylightTimeAndEndsInStandardTime() {
        ZoneId newYork = ZoneId.of("America/New_York");
        YearMonth november = YearMonth.of(2026, 11);
        long start = BillingCalendar.start(november, newYork);
        long end = BillingCalendar.end(november, newYork);
        assertThat(instant(start)).isEqualTo(Instant.parse("2026-11-01T04:00:00Z"));
        assertThat(instant(end)).isEqualTo(Instant.parse("2026-12-01T05:00:00Z"));
        assertThat(Duration.ofMillis(end - start)).isEqualTo(Duration.ofDays(30).plusHours(1));
        assertThat(BillingCalendar.monthOf(start - 1, newYork)).isEqualTo(YearMonth.of(2026, 10));
        assertThat(BillingCalendar.monthOf(start, newYork)).isEqualTo(november);
    }

    @Test
    void berlinMarchAndOctoberFollowCentralEuropeanSummerTime() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        YearMonth march = YearMonth.of(2026, 3);
        assertThat(instant(BillingCalendar.start(march, berlin))).isEqualTo(Instant.parse("2026-02-28T23:00:00Z"));
        assertThat(instant(BillingCalendar.end(march, berlin))).isEqualTo(Instant.parse("2026-03-31T22:00:00Z"));
        YearMonth october = YearMonth.of(2026, 10);
        assertThat(instant(BillingCalendar.start(october, berlin))).isEqualTo(Instant.parse("2026-09-30T22:00:00Z"));
        assertThat(instant(BillingCalendar.end(october, berlin))).isEqualTo(Instant.parse("2026-10-31T23:00:00Z"));
        assertThat(BillingCalendar.monthOf(ms("2026-10-31T22:59:59.999Z"), berlin)).isEqualTo(october);
        assertThat(BillingCalendar.monthOf(ms("2026-10-31T23:00:00Z"), berlin)).isEqualTo(YearMonth.of(2026, 11));
    }

    @Test
    void leapYearFebruary2028EndsAfterThe29th() {
        YearMonth february = YearMonth.of(2028, 2);
        long start = BillingCalendar.start(february, ZoneOffset.UTC);
        long end = BillingCalendar.end(february, ZoneOffset.UTC);
        assertThat(instant(end)).isEqualTo(Instant.parse("2028-03-01T00:00:00Z"));
        assertThat(Duration.ofMillis(end - start)).isEqualTo(Duration.ofDays(29));
        assertThat(BillingCalendar.monthOf(ms("2028-02-29T23:59:59.999Z"), ZoneOffset.UTC)).isEqualTo(february);
        assertThat(BillingCalendar.monthOf(ms("2028-03-01T00:00:00Z"), ZoneOffset.UTC)).isEqualTo(YearMonth.of(2028, 3));
        // In Kiritimati the 29th ends at 10:00 UTC.
        ZoneId kiritimati = ZoneId.of("Pacific/Kiritimati");
        assertThat(instant(BillingCalendar.end(february, kiritimati))).isEqualTo(Instant.parse("2028-02-29T10:00:00Z"));
        assertThat(BillingCalendar.monthOf(ms("2028-02-29T10:00:00Z"), kiritimati)).isEqualTo(YearMonth.of(2028, 3));
    }

    @Test
    void nonLeapFebruaryHas28Days() {
        for (int year : new int[] {2026, 2027, 2100}) {
            YearMonth february = YearMonth.of(year, 2);
            long length = BillingCalendar.end(february, ZoneOffset.UTC) - BillingCalendar.start(february, ZoneOffset.UTC);
            assertThat(Duration.ofMillis(length)).as("February %d", year).isEqualTo(Duration.ofDays(28));
        }
    }

    @Test
    void decemberEndIsTheStartOfJanuaryOfTheNextYear() {
        ZoneId zone = ZoneId.of("Asia/Tokyo");
        assertThat(BillingCalendar.end(YearMonth.of(2026, 12), zone))
                .isEqualTo(BillingCalendar.start(YearMonth.of(2027, 1), zone));
        assertThat(instant(BillingCalendar.end(YearMonth.of(2026, 12), zone)))
                .isEqualTo(Instant.parse("2026-12-31T15:00:00Z"));
    }

    @Test
    void aBillingMonthIsReadAsYearMonthReadsItForEveryMonthOfEveryFourDigitYear() {
        for (int year = 0; year <= 9999; year++) {
            for (int month = 1; month <= 12; month++) {
                String text = String.format("%04d-%02d", year, month);
                assertThat(BillingCalendar.parseMonth(text)).as(text).isEqualTo(YearMonth.parse(text));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"+10000-01", "-0001-12", "+999999999-12"})
    void aMonthBeyondFourDigitYearsIsReadAsYearMonthReadsIt(String text) {
        assertThat(BillingCalendar.parseMonth(text)).isEqualTo(YearMonth.parse(text));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"2026-00", "2026-13", "2026-1a", "2o26-01", "2026/01", "2026-1", "202601", "", "2026-011",
            "\u0662\u0660\u0662\u0666-01"})
    void textThatIsNoMonthFailsAsYearMonthParseFails(String text) {
        assertThatThrownBy(() -> YearMonth.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> BillingCalendar.parseMonth(text)).isInstanceOf(DateTimeParseException.class)
                .hasMessageContaining(text);
    }

    @Test
    void monthBoundsAreTheZonesFirstInstantsWhateverWasAskedBefore() {
        // Every zone of the JVM's tzdb and a fixed offset, months of 1900-2200 (DST changes, zones that moved their
        // offset), asked in a random order with repeats, so that a month is asked again after others of the same
        // and other zones; each answer computed here from java.time alone.
        List<ZoneId> zones = new ArrayList<>();
        ZoneId.getAvailableZoneIds().stream().sorted().map(ZoneId::of).forEach(zones::add);
        zones.add(ZoneOffset.ofHoursMinutes(5, 45));
        Random random = new Random(20261130L);
        for (int i = 0; i < 200_000; i++) {
            ZoneId zone = zones.get(random.nextInt(random.nextBoolean() ? 3 : zones.size()));
            YearMonth month = YearMonth.of(1900 + random.nextInt(random.nextBoolean() ? 2 : 301), 1 + random.nextInt(12));
            long start = month.atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
            long end = month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
            long askedEnd = random.nextBoolean() ? BillingCalendar.end(month, zone) : Long.MIN_VALUE;
            long askedStart = BillingCalendar.start(month, zone);
            if (askedEnd == Long.MIN_VALUE) {
                askedEnd = BillingCalendar.end(month, zone);
            }
            assertThat(new long[]{askedStart, askedEnd}).as("%s in %s", month, zone).containsExactly(start, end);
        }
    }

    @Test
    void threadsAskingForMonthBoundsAtOnceEachGetTheirZonesBounds() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String id : List.of("Asia/Kathmandu", "America/New_York", "Pacific/Chatham", "Etc/GMT+12")) {
                ZoneId zone = ZoneId.of(id);
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        YearMonth month = YearMonth.of(2020 + i % 10, 1 + i % 12);
                        assertThat(BillingCalendar.start(month, zone))
                                .isEqualTo(month.atDay(1).atStartOfDay(zone).toInstant().toEpochMilli());
                        assertThat(BillingCalendar.end(month, zone))
                                .isEqualTo(month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant().toEpochMilli());
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            threads.shutdown();
        }
    }
}
