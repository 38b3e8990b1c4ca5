package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.schema.AccountPlan;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 6: a month's credit and ceiling are the largest of the versions in force at any time in that month, the part
 * of the month before the account's first version counting as pay as you go; rule 12: the control terms at an
 * instant are those of the version in force then.
 */
class PlanTimelineTest {
    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final YearMonth SEPTEMBER = YearMonth.of(2026, 9);
    private static final YearMonth OCTOBER = YearMonth.of(2026, 10);
    private static final YearMonth NOVEMBER = YearMonth.of(2026, 11);
    /** The month's first usage no later than its start: any part before the first version served usage. */
    private static final long USAGE_FROM_START = Long.MIN_VALUE;
    private static final long NO_USAGE = Long.MAX_VALUE;

    private static AccountPlan version(String credit, String ceiling, String effectiveFrom) {
        return version(credit, ceiling, null, effectiveFrom);
    }

    private static AccountPlan version(String credit, String ceiling, String zone, String effectiveFrom) {
        return new AccountPlan("acct", "plan", new BigDecimal(credit).setScale(9),
                ceiling == null ? null : new BigDecimal(ceiling).setScale(9), zone, Instant.parse(effectiveFrom));
    }

    private static PlanTerms terms(String credit, String ceiling) {
        long creditNanos = new BigDecimal(credit).movePointRight(9).longValueExact();
        long ceilingNanos = ceiling == null ? PlanTerms.NO_CEILING : new BigDecimal(ceiling).movePointRight(9).longValueExact();
        return new PlanTerms(creditNanos, ceilingNanos);
    }

    @Test
    void upgradeMidMonthCountsForTheWholeMonth() {
        PlanTimeline timeline = PlanTimeline.of(List.of(
                version("10", "50", "2026-01-01T00:00:00Z"),
                version("30", "100", "2026-10-15T12:00:00Z")));
        assertThat(timeline.termsFor(SEPTEMBER, UTC, USAGE_FROM_START)).isEqualTo(terms("10", "50"));
        assertThat(timeline.termsFor(OCTOBER, UTC, USAGE_FROM_START)).isEqualTo(terms("30", "100"));
        assertThat(timeline.termsFor(NOVEMBER, UTC, USAGE_FROM_START)).isEqualTo(terms("30", "100"));
    }

    @Test
    void downgradeMidMonthAppliesFromTheNextMonth() {
        PlanTimeline timeline = PlanTimeline.of(List.of(
                version("30", "100", "2026-01-01T00:00:00Z"),
                version("10", "50", "2026-10-15T12:00:00Z")));
        assertThat(timeline.termsFor(OCTOBER, UTC, USAGE_FROM_START)).isEqualTo(terms("30", "100"));
        assertThat(timeline.termsFor(NOVEMBER, UTC, USAGE_FROM_START)).isEqualTo(terms("10", "50"));
    }

    @Test
    void downgradeEffectiveExactlyAtMonthStartAppliesToThatMonth() {
        PlanTimeline timeline = PlanTimeline.of(List.of(
                version("30", "100", "2026-01-01T00:00:00Z"),
                version("10", "50", "2026-11-01T00:00:00Z")));
        assertThat(timeline.termsFor(OCTOBER, UTC, USAGE_FROM_START)).isEqualTo(terms("30", "100"));
        assertThat(timeline.termsFor(NOVEMBER, UTC, USAGE_FROM_START)).isEqualTo(terms("10", "50"));
    }

    @Test
    void noCeilingBeatsAnyCeiling() {
        PlanTimeline noCeilingFirst = PlanTimeline.of(List.of(
                version("10", null, "2026-01-01T00:00:00Z"),
                version("5", "1000000", "2026-10-15T00:00:00Z")));
        PlanTerms october = noCeilingFirst.termsFor(OCTOBER, UTC, USAGE_FROM_START);
        assertThat(october).isEqualTo(terms("10", null));
        assertThat(october.hasCeiling()).isFalse();
        assertThat(noCeilingFirst.termsFor(NOVEMBER, UTC, USAGE_FROM_START)).isEqualTo(terms("5", "1000000"));

        PlanTimeline noCeilingSecond = PlanTimeline.of(List.of(
                version("10", "1000000", "2026-01-01T00:00:00Z"),
                version("5", null, "2026-10-15T00:00:00Z")));
        assertThat(noCeilingSecond.termsFor(OCTOBER, UTC, USAGE_FROM_START)).isEqualTo(terms("10", null));
        assertThat(noCeilingSecond.termsFor(NOVEMBER, UTC, USAGE_FROM_START)).isEqualTo(terms("5", null));
    }

    @Test
    void creditAndCeilingAreEachTheLargestOfTheMonthsVersions() {
        PlanTimeline timeline = PlanTimeline.of(List.of(
                version("20", "20", "2026-01-01T00:00:00Z"),
                version("10", "100", "2026-10-10T00:00:00Z"),
                version("15", "40", "2026-10-20T00:00:00Z")));
        assertThat(timeline.termsFor(OCTOBER, UTC, USAGE_FROM_START)).isEqualTo(terms("20", "100"));
        assertThat(timeline.termsFor(NOVEMBER, UTC, USAGE_FROM_START)).isEqualTo(terms("15", "40"));
    }

    @Test
    void noVersionInForceMeansPayAsYouGo() {
        assertThat(PlanTimeline.of(null).termsFor(OCTOBER, UTC, USAGE_FROM_START)).isEqualTo(PlanTerms.PAY_AS_YOU_GO);
        assertThat(PlanTimeline.of(List.of()).termsFor(OCTOBER, UTC, USAGE_FROM_START)).isEqualTo(PlanTerms.PAY_AS_YOU_GO);
        PlanTimeline startsInNovember = PlanTimeline.of(List.of(version("10", "50", "2026-11-01T00:00:00Z")));
        assertThat(startsInNovember.termsFor(SEPTEMBER, UTC, USAGE_FROM_START)).isEqualTo(PlanTerms.PAY_AS_YOU_GO);
        assertThat(startsInNovember.termsFor(OCTOBER, UTC, USAGE_FROM_START)).isEqualTo(PlanTerms.PAY_AS_YOU_GO);
        assertThat(startsInNovember.termsFor(NOVEMBER, UTC, USAGE_FROM_START)).isEqualTo(terms("10", "50"));
        assertThat(PlanTerms.PAY_AS_YOU_GO.creditNanos()).isZero();
        assertThat(PlanTerms.PAY_AS_YOU_GO.hasCeiling()).isFalse();
    }

    @Test
    void firstVersionStartingMidMonthGivesThatMonthItsCreditAndNoCeiling() {
        // Rule 6: October before the last millisecond had no version in force, which counts as pay as you go (no
        // credit, no ceiling); the largest of the month is the version's credit and no ceiling.
        PlanTimeline timeline = PlanTimeline.of(List.of(version("10", "50", "2026-10-31T23:59:59.999Z")));
        assertThat(timeline.termsFor(SEPTEMBER, UTC, USAGE_FROM_START)).isEqualTo(PlanTerms.PAY_AS_YOU_GO);
        assertThat(timeline.termsFor(OCTOBER, UTC, USAGE_FROM_START)).isEqualTo(terms("10", null));
        assertThat(timeline.termsFor(NOVEMBER, UTC, USAGE_FROM_START)).isEqualTo(terms("10", "50"));
    }

    @Test
    void aSignUpMidMonthWithNoUsageBeforeItsFirstVersionIsBilledUnderThatVersion() {
        // Rule 6: the correction is about usage served before the first version; a Free sign-up on Oct 15 09:30 whose
        // first request is on Oct 20 keeps its $0.05 ceiling for October (rule 7: never charged above it)
        PlanTimeline signUp = PlanTimeline.of(List.of(version("0.05", "0.05", "2026-10-15T09:30:00Z")));
        long oct20 = Instant.parse("2026-10-20T00:00:00Z").toEpochMilli();
        assertThat(signUp.termsFor(OCTOBER, UTC, oct20)).isEqualTo(terms("0.05", "0.05"));
        assertThat(signUp.termsFor(OCTOBER, UTC, NO_USAGE)).isEqualTo(terms("0.05", "0.05"));
        long atSignUp = Instant.parse("2026-10-15T09:30:00Z").toEpochMilli();
        assertThat(signUp.termsFor(OCTOBER, UTC, atSignUp)).as("usage at the version's first instant is under it")
                .isEqualTo(terms("0.05", "0.05"));
        assertThat(signUp.termsFor(OCTOBER, UTC, atSignUp - 1)).as("a millisecond before it: pay as you go")
                .isEqualTo(terms("0.05", null));
    }

    @Test
    void aFirstVersionInForceFromBeforeTheMonthStartCoversTheWholeMonth() {
        PlanTimeline atStart = PlanTimeline.of(List.of(version("10", "50", "2026-10-01T00:00:00Z")));
        assertThat(atStart.termsFor(OCTOBER, UTC, USAGE_FROM_START)).isEqualTo(terms("10", "50"));
        PlanTimeline retroactive = PlanTimeline.of(List.of(version("0", "1", "2026-09-30T23:59:59.999Z")));
        assertThat(retroactive.termsFor(OCTOBER, UTC, USAGE_FROM_START)).isEqualTo(terms("0", "1"));
    }

    @Test
    void aPayAsYouGoVersionOnRecordAndNoVersionAtAllGiveTheSameMonthWhenACapIsAddedMidMonth() {
        // The two accounts of issue 13: a $1 cap added on the 15th after $3.00 of pay-as-you-go usage.
        PlanTimeline withPaygRecord = PlanTimeline.of(List.of(
                version("0", null, "2026-01-01T00:00:00Z"),
                version("0", "1", "2026-10-15T00:00:00Z")));
        PlanTimeline withoutRecord = PlanTimeline.of(List.of(version("0", "1", "2026-10-15T00:00:00Z")));
        assertThat(withPaygRecord.termsFor(OCTOBER, UTC, USAGE_FROM_START)).isEqualTo(PlanTerms.PAY_AS_YOU_GO);
        assertThat(withoutRecord.termsFor(OCTOBER, UTC, USAGE_FROM_START)).isEqualTo(PlanTerms.PAY_AS_YOU_GO);
        assertThat(withPaygRecord.termsFor(NOVEMBER, UTC, USAGE_FROM_START)).isEqualTo(terms("0", "1"));
        assertThat(withoutRecord.termsFor(NOVEMBER, UTC, USAGE_FROM_START)).isEqualTo(terms("0", "1"));
    }

    @Test
    void controlTermsAreThoseOfTheVersionInForceAtTheInstant() {
        PlanTimeline timeline = PlanTimeline.of(List.of(
                version("0", "5", "2026-10-10T00:00:00Z"),
                version("20", null, "2026-10-18T00:00:00Z"),
                version("1", "2", "2026-10-25T00:00:00Z")));
        assertThat(timeline.termsAt(Instant.parse("2026-10-09T23:59:59.999Z").toEpochMilli()))
                .isEqualTo(PlanTerms.PAY_AS_YOU_GO);
        assertThat(timeline.termsAt(Instant.parse("2026-10-10T00:00:00Z").toEpochMilli())).isEqualTo(terms("0", "5"));
        assertThat(timeline.termsAt(Instant.parse("2026-10-17T23:59:59.999Z").toEpochMilli())).isEqualTo(terms("0", "5"));
        assertThat(timeline.termsAt(Instant.parse("2026-10-18T00:00:00Z").toEpochMilli())).isEqualTo(terms("20", null));
        assertThat(timeline.termsAt(Instant.parse("2026-12-01T00:00:00Z").toEpochMilli())).isEqualTo(terms("1", "2"));
        assertThat(PlanTimeline.of(null).termsAt(0)).isEqualTo(PlanTerms.PAY_AS_YOU_GO);
    }

    @Test
    void monthsAreTakenInTheBillingZone() {
        // In force from 12:00 UTC on Nov 30: that is still November in UTC, but already December in Kiritimati
        // (02:00 on Dec 1, UTC+14). Either month has a part before it, pay as you go (rule 6): the version's
        // credit, no ceiling; the first whole month in force is December in UTC, January in Kiritimati.
        PlanTimeline timeline = PlanTimeline.of(List.of(version("10", "50", "Pacific/Kiritimati", "2026-11-30T12:00:00Z")));
        ZoneId kiritimati = ZoneId.of("Pacific/Kiritimati");
        assertThat(timeline.termsFor(NOVEMBER, UTC, USAGE_FROM_START)).isEqualTo(terms("10", null));
        assertThat(timeline.termsFor(YearMonth.of(2026, 12), UTC, USAGE_FROM_START)).isEqualTo(terms("10", "50"));
        assertThat(timeline.termsFor(NOVEMBER, kiritimati, USAGE_FROM_START)).isEqualTo(PlanTerms.PAY_AS_YOU_GO);
        assertThat(timeline.termsFor(YearMonth.of(2026, 12), kiritimati, USAGE_FROM_START)).isEqualTo(terms("10", null));
        assertThat(timeline.termsFor(YearMonth.of(2027, 1), kiritimati, USAGE_FROM_START)).isEqualTo(terms("10", "50"));
    }

    @Test
    void billingZoneIsThatOfTheVersionInForceAndUtcBeforeAnyVersion() {
        PlanTimeline timeline = PlanTimeline.of(List.of(
                version("10", "50", "America/New_York", "2026-01-01T00:00:00Z"),
                version("10", "50", null, "2026-06-01T00:00:00Z")));
        assertThat(timeline.zoneAt(Instant.parse("2025-12-31T23:59:59.999Z").toEpochMilli())).isEqualTo(ZoneOffset.UTC);
        assertThat(timeline.zoneAt(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli()))
                .isEqualTo(ZoneId.of("America/New_York"));
        assertThat(timeline.zoneAt(Instant.parse("2026-07-01T00:00:00Z").toEpochMilli())).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void largerOfTwoTermsTakesEachFieldSeparately() {
        assertThat(terms("10", "20").max(terms("5", "50"))).isEqualTo(terms("10", "50"));
        assertThat(terms("10", "20").max(PlanTerms.PAY_AS_YOU_GO)).isEqualTo(terms("10", null));
    }
}
