package com.fluxrouter.billing.oracle;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The oracle's rule 12 (issue 13, the lead's status rules) on the worked examples of the spec, every expected figure
 * computed by hand from the rules' text: the $30-then-$50 case, the two pay-as-you-go accounts of the issue, a Free
 * cap lifted by an upgrade with no request, an upgrade scheduled ahead, a lowered ceiling capping when it takes
 * effect, new periods in UTC-10, UTC+13 and across DST with no request, the forecast's rounding, and throttling.
 */
class SpendStatusOracleTest {
    private static final Duration IDLE = Duration.ofMinutes(5);

    private BillingOracle oracle;
    private int nextId;

    private void startAt(String wallClock) {
        oracle = new BillingOracle(Instant.parse(wallClock), Duration.ofDays(35), Duration.ofHours(24))
                .withIdleCloseAfter(IDLE).withPublishedRates();
        oracle.publishModel("express", "EXPRESS");
    }

    /**
     * A request costing {@code dollars} at Express's $1 per 1M tokens, produced when it completed; the wall clock
     * moves there first (after a quiet stretch the billing clock follows it just before the request).
     */
    private String spend(String account, String dollars, String at) {
        long tokens = new BigDecimal(dollars).movePointRight(6).longValueExact();
        String id = "r" + ++nextId;
        Instant when = Instant.parse(at);
        oracle.advanceWallClock(when);
        OracleOutputs.Outcome outcome = oracle.accept(new OracleInputs.Request(account, id, "express", null,
                Math.min(tokens, 10_000_000L), tokens - Math.min(tokens, 10_000_000L), when, when));
        assertThat(outcome.verdict()).isEqualTo("PRICED");
        return id;
    }

    private void publish(String account, String credit, String ceiling, String zone, String from, String at) {
        oracle.advanceWallClock(Instant.parse(at));
        assertThat(oracle.publishPlan(new OracleInputs.Plan(account, new BigDecimal(credit),
                ceiling == null ? null : new BigDecimal(ceiling), zone, Instant.parse(from)), Instant.parse(at))).isTrue();
    }

    /** A quiet partition: the wall clock moves on and, idle for longer than the setting, the billing clock follows. */
    private void quietUntil(String at) {
        oracle.advanceWallClock(Instant.parse(at));
    }

    private List<String> statuses(String account) {
        return oracle.statuses().stream().filter(s -> s.account().equals(account)).map(SpendStatusOracleTest::describe)
                .toList();
    }

    private List<String> alerts(String account) {
        return oracle.alerts().stream().filter(a -> a.account().equals(account)).map(OracleRecords::describe).toList();
    }

    private List<String> lines(String account) {
        return oracle.lines().stream().filter(l -> l.account().equals(account))
                .map(l -> l.type() + " " + usd(l.amountUsd()) + (l.amountDueUsd() == null ? "" : " due " + usd(l.amountDueUsd())))
                .toList();
    }

    private static String usd(BigDecimal amount) {
        return amount == null ? "-" : amount.stripTrailingZeros().toPlainString();
    }

    /** month status usage credit credit-remaining ceiling remaining [start, end) projection reason as_of */
    static String describe(OracleOutputs.Status s) {
        return String.join(" ", s.month(), s.status(), usd(s.usageUsd()), usd(s.creditUsd()),
                usd(s.creditRemainingUsd()), usd(s.ceilingUsd()), usd(s.remainingUsd()),
                "[" + s.periodStart() + "," + s.periodEnd() + ")", usd(s.projectedUsd()), s.reason(),
                s.asOf().toString());
    }

    private static final String JUNE = "[2026-06-01T00:00:00Z,2026-07-01T00:00:00Z)";
    private static final String JULY = "[2026-07-01T00:00:00Z,2026-08-01T00:00:00Z)";

    @Test
    void aCeilingAddedMidMonthControlsAtOnceAndWaivesNothingServedBeforeIt() {
        startAt("2026-06-01T00:00:00Z");
        spend("payg", "20", "2026-06-05T00:00:00Z");
        spend("payg", "10", "2026-06-10T00:00:00Z");
        // $50 ceiling from the 15th, published then: in force on arrival
        publish("payg", "0", "50", null, "2026-06-15T00:00:00Z", "2026-06-15T00:00:00Z");
        String at46 = spend("payg", "16", "2026-06-16T00:00:00Z");
        String at51 = spend("payg", "5", "2026-06-17T00:00:00Z");
        quietUntil("2026-07-03T00:00:00Z");

        assertThat(statuses("payg")).containsExactly(
                // elapsed 4 of 30 days: no projection yet
                "2026-06 ACTIVE 20 0 0 - - " + JUNE + " - USAGE 2026-06-05T00:00:00Z",
                // 9 of 30 days: 30 x 30 / 9 = 100
                "2026-06 ACTIVE 30 0 0 - - " + JUNE + " 100 USAGE 2026-06-10T00:00:00Z",
                // 30 x 30 / 14 = 64.2857142857... half-up to the nano-dollar
                "2026-06 ACTIVE 30 0 0 50 20 " + JUNE + " 64.285714286 PLAN_CHANGE 2026-06-15T00:00:00Z",
                // 46 x 30 / 15 = 92
                "2026-06 ACTIVE 46 0 0 50 4 " + JUNE + " 92 USAGE 2026-06-16T00:00:00Z",
                // 51 x 30 / 16 = 95.625
                "2026-06 CAPPED 51 0 0 50 0 " + JUNE + " 95.625 USAGE 2026-06-17T00:00:00Z",
                "2026-07 ACTIVE 0 0 0 50 50 " + JULY + " - NEW_PERIOD 2026-07-01T00:00:00Z");
        assertThat(alerts("payg")).containsExactly(
                // rule 12 E: the forecast alert is a request's, evaluated with its ceiling alerts (46 x 30 / 15 = 92)
                "payg 2026-06 CEILING_90 usage=46 threshold=45 at=2026-06-16T00:00:00Z " + at46,
                "payg 2026-06 FORECAST_CEILING usage=46 threshold=50 at=2026-06-16T00:00:00Z " + at46,
                "payg 2026-06 CEILING_100 usage=51 threshold=50 at=2026-06-17T00:00:00Z " + at51);
        // billing: the part of June before the 15th had no version, so June has no ceiling: all $51 is due
        assertThat(lines("payg")).containsExactly("USAGE 51", "TOTAL 51 due 51");
        assertThat(oracle.overageUpdates()).extracting(o -> usd(o.overageUsd())).containsExactly("20", "30", "46", "51");
    }

    @Test
    void aPayAsYouGoRecordOnFileBillsTheMidMonthCeilingCaseTheSameWay() {
        startAt("2026-06-01T00:00:00Z");
        publish("payg", "0", null, null, "2020-01-01T00:00:00Z", "2026-06-01T00:00:00Z");
        spend("payg", "20", "2026-06-05T00:00:00Z");
        spend("payg", "10", "2026-06-10T00:00:00Z");
        publish("payg", "0", "50", null, "2026-06-15T00:00:00Z", "2026-06-15T00:00:00Z");
        spend("payg", "16", "2026-06-16T00:00:00Z");
        spend("payg", "5", "2026-06-17T00:00:00Z");
        quietUntil("2026-07-03T00:00:00Z");

        assertThat(statuses("payg")).first().isEqualTo(
                "2026-06 ACTIVE 0 0 0 - - " + JUNE + " - PLAN_CHANGE 2026-06-01T00:00:00Z");
        assertThat(statuses("payg")).element(3).isEqualTo(
                "2026-06 ACTIVE 30 0 0 50 20 " + JUNE + " 64.285714286 PLAN_CHANGE 2026-06-15T00:00:00Z");
        assertThat(statuses("payg")).last().isEqualTo(
                "2026-07 ACTIVE 0 0 0 50 50 " + JULY + " - NEW_PERIOD 2026-07-01T00:00:00Z");
        assertThat(lines("payg")).containsExactly("USAGE 51", "TOTAL 51 due 51");
    }

    /**
     * The issue's two accounts: $3.00 spent, then a $1 cap. Before the correction the one with a pay-as-you-go
     * record was never stopped and the one without had $2.30 waived; now both are CAPPED when the cap arrives and
     * both are billed everything.
     */
    @Test
    void theIssuesTwoAccountsAreCappedAtTheCapAndBilledAlike() {
        for (String account : List.of("with-record", "no-record")) {
            startAt("2026-06-01T00:00:00Z");
            if (account.equals("with-record")) {
                publish(account, "0", null, null, "2020-01-01T00:00:00Z", "2026-06-01T00:00:00Z");
            }
            spend(account, "3", "2026-06-10T00:00:00Z");
            publish(account, "0", "1", null, "2026-06-12T00:00:00Z", "2026-06-12T00:00:00Z");
            String after = spend(account, "0.3", "2026-06-13T00:00:00Z");
            quietUntil("2026-07-03T00:00:00Z");

            assertThat(statuses(account)).as(account).contains(
                    // 3 x 30 / 11 = 8.181818181818...
                    "2026-06 CAPPED 3 0 0 1 0 " + JUNE + " 8.181818182 PLAN_CHANGE 2026-06-12T00:00:00Z",
                    // 3.3 x 30 / 12 = 8.25
                    "2026-06 CAPPED 3.3 0 0 1 0 " + JUNE + " 8.25 USAGE 2026-06-13T00:00:00Z");
            assertThat(alerts(account)).as(account).containsExactly(
                    account + " 2026-06 CEILING_90 usage=3 threshold=0.9 at=2026-06-12T00:00:00Z null",
                    account + " 2026-06 CEILING_100 usage=3 threshold=1 at=2026-06-12T00:00:00Z null",
                    // rule 12 E: the next request's (3.3 x 30 / 12 = 8.25 >= 1), not the plan change's
                    account + " 2026-06 FORECAST_CEILING usage=3.3 threshold=1 at=2026-06-13T00:00:00Z " + after);
            assertThat(lines(account)).as(account).containsExactly("USAGE 3.3", "TOTAL 3.3 due 3.3");
        }
    }

    /**
     * Rule 12 E: a request for a past month checks the ceiling in force at that month's end, not the month's billing
     * ceiling (none here: pay as you go before the cap), and not the status's month.
     */
    @Test
    void aRequestForAPastMonthFiresCeilingAlertsOnTheCeilingInForceAtItsEnd() {
        startAt("2026-06-01T00:00:00Z");
        publish("late", "0", null, null, "2020-01-01T00:00:00Z", "2026-06-01T00:00:00Z");
        publish("late", "0", "10", null, "2026-06-20T00:00:00Z", "2026-06-20T00:00:00Z");
        spend("late", "8", "2026-06-25T00:00:00Z");
        spend("other", "1", "2026-07-01T12:00:00Z");
        oracle.accept(new OracleInputs.Request("late", "for-june", "express", null, 2_000_000, 0,
                Instant.parse("2026-06-30T23:00:00Z"), Instant.parse("2026-07-01T12:00:00Z")));

        assertThat(alerts("late")).containsExactly(
                "late 2026-06 FORECAST_CEILING usage=8 threshold=10 at=2026-06-25T00:00:00Z r1",
                "late 2026-06 CEILING_90 usage=10 threshold=9 at=2026-06-30T23:00:00Z for-june",
                "late 2026-06 CEILING_100 usage=10 threshold=10 at=2026-06-30T23:00:00Z for-june");
        assertThat(statuses("late")).last().asString().startsWith("2026-07 ACTIVE 0 ");
    }

    /**
     * Reading (package-info): a status computation re-applies billing terms to its own month's open ledger (section
     * D), not to the previous month in its grace period (section A says "open months"): a retroactive upgrade
     * published on July 1st re-bills June at June's close, as before rule 12.
     */
    @Test
    void aRetroactiveChangeInTheGracePeriodRebillsThePastMonthAtItsClose() {
        startAt("2026-06-01T00:00:00Z");
        publish("team", "10", null, null, "2020-01-01T00:00:00Z", "2026-06-01T00:00:00Z");
        spend("team", "20", "2026-06-20T00:00:00Z");
        spend("other", "1", "2026-07-01T04:00:00Z");
        publish("team", "15", null, null, "2026-06-15T00:00:00Z", "2026-07-01T05:00:00Z");
        quietUntil("2026-07-03T00:00:00Z");

        assertThat(oracle.overageUpdates()).filteredOn(o -> o.account().equals("team"))
                .extracting(OracleRecords::describe).containsExactly(
                        "team 2026-06 usage=20 credit=10 ceiling=- overage=10 delta=10 asOf=2026-06-20T00:00:00Z",
                        "team 2026-06 usage=20 credit=15 ceiling=- overage=5 delta=-5 asOf=2026-07-02T00:00:00Z");
    }

    @Test
    void aCappedFreeAccountResumesWhenUpgradedWithNoRequest() {
        startAt("2026-06-01T00:00:00Z");
        publish("free", "5", "5", null, "2020-01-01T00:00:00Z", "2026-06-01T00:00:00Z");
        String capped = spend("free", "5", "2026-06-03T00:00:00Z");
        publish("free", "20", "60", null, "2026-06-04T00:00:00Z", "2026-06-04T00:00:00Z");

        assertThat(statuses("free")).containsExactly(
                "2026-06 ACTIVE 0 5 5 5 5 " + JUNE + " - PLAN_CHANGE 2026-06-01T00:00:00Z",
                "2026-06 CAPPED 5 5 0 5 0 " + JUNE + " - USAGE 2026-06-03T00:00:00Z",
                // credit as billed: the month's largest, 20
                "2026-06 ACTIVE 5 20 15 60 55 " + JUNE + " - PLAN_CHANGE 2026-06-04T00:00:00Z");
        assertThat(alerts("free")).containsExactly(
                "free 2026-06 CREDIT_50 usage=5 threshold=2.5 at=2026-06-03T00:00:00Z " + capped,
                "free 2026-06 CREDIT_80 usage=5 threshold=4 at=2026-06-03T00:00:00Z " + capped,
                "free 2026-06 CEILING_90 usage=5 threshold=4.5 at=2026-06-03T00:00:00Z " + capped,
                "free 2026-06 CREDIT_100 usage=5 threshold=5 at=2026-06-03T00:00:00Z " + capped,
                "free 2026-06 CEILING_100 usage=5 threshold=5 at=2026-06-03T00:00:00Z " + capped);
        assertThat(oracle.overageUpdates()).as("overage stays 0 under either credit").isEmpty();
    }

    @Test
    void aFreeAccountWithAnUpgradeScheduledAheadIsCappedAtItsFreeCeilingUntilThen() {
        startAt("2026-06-01T00:00:00Z");
        publish("free", "5", "5", null, "2020-01-01T00:00:00Z", "2026-06-01T00:00:00Z");
        publish("free", "20", "60", null, "2026-06-18T00:00:00Z", "2026-06-01T00:00:00Z");
        String capped = spend("free", "6", "2026-06-10T00:00:00Z");
        // another account's request moves the partition's billing clock past the 18th
        spend("other", "1", "2026-06-19T00:00:00Z");

        assertThat(statuses("free")).containsExactly(
                "2026-06 ACTIVE 0 5 5 5 5 " + JUNE + " - PLAN_CHANGE 2026-06-01T00:00:00Z",
                // the month's billing credit counts the upgrade at once (rule 6), the control ceiling does not
                "2026-06 ACTIVE 0 20 20 5 5 " + JUNE + " - PLAN_CHANGE 2026-06-01T00:00:00Z",
                // 6 x 30 / 9 = 20
                "2026-06 CAPPED 6 20 14 5 0 " + JUNE + " 20 USAGE 2026-06-10T00:00:00Z",
                // 6 x 30 / 17 = 10.588235294117...
                "2026-06 ACTIVE 6 20 14 60 54 " + JUNE + " 10.588235294 PLAN_CHANGE 2026-06-18T00:00:00Z");
        assertThat(alerts("free")).containsExactly(
                "free 2026-06 CEILING_90 usage=6 threshold=4.5 at=2026-06-10T00:00:00Z " + capped,
                "free 2026-06 CEILING_100 usage=6 threshold=5 at=2026-06-10T00:00:00Z " + capped,
                "free 2026-06 FORECAST_CEILING usage=6 threshold=5 at=2026-06-10T00:00:00Z " + capped);
    }

    @Test
    void aLoweredCeilingCapsTheMomentItTakesEffectWithNoRequest() {
        startAt("2026-06-01T00:00:00Z");
        publish("team", "10", "100", null, "2020-01-01T00:00:00Z", "2026-06-01T00:00:00Z");
        spend("team", "20", "2026-06-08T00:00:00Z");
        spend("team", "20", "2026-06-10T00:00:00Z");
        publish("team", "10", "30", null, "2026-06-20T00:00:00Z", "2026-06-11T00:00:00Z");
        quietUntil("2026-06-25T00:00:00Z");

        assertThat(statuses("team")).containsExactly(
                "2026-06 ACTIVE 0 10 10 100 100 " + JUNE + " - PLAN_CHANGE 2026-06-01T00:00:00Z",
                // 20 x 30 / 7 = 85.714285714285...
                "2026-06 ACTIVE 20 10 0 100 80 " + JUNE + " 85.714285714 USAGE 2026-06-08T00:00:00Z",
                "2026-06 ACTIVE 40 10 0 100 60 " + JUNE + " 133.333333333 USAGE 2026-06-10T00:00:00Z",
                // the plan change itself changes only the forecast (40 x 30 / 10): reason USAGE, section C
                "2026-06 ACTIVE 40 10 0 100 60 " + JUNE + " 120 USAGE 2026-06-11T00:00:00Z",
                // 40 x 30 / 19 = 63.157894736842...
                "2026-06 CAPPED 40 10 0 30 0 " + JUNE + " 63.157894737 PLAN_CHANGE 2026-06-20T00:00:00Z");
        assertThat(alerts("team")).filteredOn(a -> a.contains("CEILING")).containsExactly(
                "team 2026-06 FORECAST_CEILING usage=40 threshold=100 at=2026-06-10T00:00:00Z r2",
                "team 2026-06 CEILING_90 usage=40 threshold=27 at=2026-06-20T00:00:00Z null",
                "team 2026-06 CEILING_100 usage=40 threshold=30 at=2026-06-20T00:00:00Z null");
    }

    @Test
    void aCappedAccountStartsItsNewPeriodAtMidnightInUtcMinus10AndUtcPlus13WithNoRequest() {
        startAt("2026-07-01T00:00:00Z");
        publish("honolulu", "1", "1", "Pacific/Honolulu", "2020-01-01T00:00:00Z", "2026-07-01T00:00:00Z");
        publish("tonga", "1", "1", "Pacific/Tongatapu", "2020-01-01T00:00:00Z", "2026-07-01T00:00:00Z");
        spend("honolulu", "1", "2026-07-20T00:00:00Z");
        spend("tonga", "1", "2026-07-20T00:00:00Z");
        int before = oracle.statuses().size();
        quietUntil("2026-07-31T10:59:59.999Z");
        assertThat(oracle.statuses()).as("no new period before midnight in either zone").hasSize(before);

        quietUntil("2026-07-31T11:00:00Z");
        assertThat(statuses("tonga")).last().isEqualTo("2026-08 ACTIVE 0 1 1 1 1 "
                + "[2026-07-31T11:00:00Z,2026-08-31T11:00:00Z) - NEW_PERIOD 2026-07-31T11:00:00Z");
        assertThat(statuses("honolulu")).last().asString().startsWith("2026-07 CAPPED 1 ");

        quietUntil("2026-08-01T10:00:00Z");
        assertThat(statuses("honolulu")).last().isEqualTo("2026-08 ACTIVE 0 1 1 1 1 "
                + "[2026-08-01T10:00:00Z,2026-09-01T10:00:00Z) - NEW_PERIOD 2026-08-01T10:00:00Z");
        assertThat(oracle.latestStatuses().get("honolulu").status()).isEqualTo("ACTIVE");
    }

    @Test
    void aNewYorkPeriodFollowsTheDstChangeInsideIt() {
        startAt("2026-10-01T04:00:00Z");
        publish("ny", "1", "1", "America/New_York", "2020-01-01T00:00:00Z", "2026-10-01T04:00:00Z");
        spend("ny", "1", "2026-10-20T00:00:00Z");
        quietUntil("2026-11-01T04:00:00Z");

        // October starts on EDT (UTC-4); November starts on EDT and ends on EST (UTC-5): 30 days and one hour
        assertThat(statuses("ny")).containsExactly(
                "2026-10 ACTIVE 0 1 1 1 1 [2026-10-01T04:00:00Z,2026-11-01T04:00:00Z) - PLAN_CHANGE 2026-10-01T04:00:00Z",
                // 1 x 31 days / (18 days and 20 h) = 744 h / 452 h = 1.6460176991...
                "2026-10 CAPPED 1 1 0 1 0 [2026-10-01T04:00:00Z,2026-11-01T04:00:00Z) 1.646017699 USAGE 2026-10-20T00:00:00Z",
                "2026-11 ACTIVE 0 1 1 1 1 [2026-11-01T04:00:00Z,2026-12-01T05:00:00Z) - NEW_PERIOD 2026-11-01T04:00:00Z");
    }

    /**
     * Forecast: exact on nano-dollars and milliseconds, half-up; null before 20 % of the month. One token at $0.001
     * per 1M is one nano-dollar; at 40 % of June it projects to 2.5 nano-dollars, half-up 3.
     */
    @Test
    void theForecastRoundsHalfUpToTheNanoDollarAndStartsAtTwentyPercent() {
        startAt("2026-06-01T00:00:00Z");
        oracle.publishRate(new OracleInputs.Rate("DEEP_THOUGHT", new BigDecimal("0.001"), new BigDecimal("0.001"),
                Instant.parse("2026-01-01T00:00:00Z")));
        oracle.publishModel("deep", "DEEP_THOUGHT");
        for (String at : List.of("2026-06-06T23:59:59.999Z", "2026-06-07T00:00:00Z", "2026-06-13T00:00:00Z")) {
            oracle.advanceWallClock(Instant.parse(at));
            oracle.accept(new OracleInputs.Request("nano", "n" + at, "deep", null, 0, 0, Instant.parse(at),
                    Instant.parse(at)));
        }
        oracle.accept(new OracleInputs.Request("nano", "one", "deep", null, 1, 0,
                Instant.parse("2026-06-01T00:00:00Z"), Instant.parse("2026-06-13T00:00:00Z")));
        oracle.advanceWallClock(Instant.parse("2026-06-13T00:00:10Z"));
        oracle.accept(new OracleInputs.Request("nano", "tick", "deep", null, 0, 0,
                Instant.parse("2026-06-13T00:00:10Z"), Instant.parse("2026-06-13T00:00:10Z")));

        assertThat(statuses("nano")).extracting(s -> s.split(" ")[8] + " " + s.split(" ")[10]).containsExactly(
                // 6 days less 1 ms: under 20 % of June, no projection
                "- 2026-06-06T23:59:59.999Z",
                // from exactly 20 % on, 0: a change of the forecast alone, held back 10 s and flushed by the STATUS
                // deadline when the clock passes it
                "0 2026-06-07T00:00:09.999Z",
                // 1e-9 x 2,592,000,000 / 1,036,800,000 = 2.5 nano-dollars, half-up 3
                "0.000000003 2026-06-13T00:00:00Z",
                // 1e-9 x 2,592,000,000 / 1,036,810,000 = 2.49997... nano-dollars: 2
                "0.000000002 2026-06-13T00:00:10Z");
        Instant june = Instant.parse("2026-06-01T00:00:00Z");
        Instant july = Instant.parse("2026-07-01T00:00:00Z");
        assertThat(OracleSpendStatus.projection(BigDecimal.ONE, june, july, Instant.parse("2026-06-06T23:59:59.999Z")))
                .isNull();
        assertThat(OracleSpendStatus.projection(BigDecimal.ONE, june, july, Instant.parse("2026-06-07T00:00:00Z")))
                .isEqualByComparingTo("5");
    }

    @Test
    void usageOnlyChangesAreEmittedAtMostOncePerIntervalAndFlushedByTheStatusDeadline() {
        startAt("2026-06-20T00:00:00Z");
        spend("busy", "1", "2026-06-20T00:00:00Z");
        spend("busy", "1", "2026-06-20T00:00:04Z");
        spend("other", "1", "2026-06-20T00:00:09.999Z");
        assertThat(statuses("busy")).as("the second request is held back").hasSize(1);
        spend("other", "1", "2026-06-20T00:00:10Z");
        spend("busy", "1", "2026-06-20T00:00:12Z");

        assertThat(statuses("busy")).extracting(s -> s.substring(0, s.indexOf(" [")) + " " + s.substring(s.lastIndexOf(' ') + 1))
                .containsExactly(
                        "2026-06 ACTIVE 1 0 0 - - 2026-06-20T00:00:00Z",
                        // the STATUS deadline at the first as_of + 10 s
                        "2026-06 ACTIVE 2 0 0 - - 2026-06-20T00:00:10Z");
        spend("other", "1", "2026-06-20T00:00:20Z");
        assertThat(statuses("busy")).last().asString().startsWith("2026-06 ACTIVE 3 0 0 - - ")
                .endsWith("USAGE 2026-06-20T00:00:20Z");
    }
}
