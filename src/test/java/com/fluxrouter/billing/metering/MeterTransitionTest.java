package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.errors.RejectedException;
import com.fluxrouter.billing.intake.PricedCandidate;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.pricing.Price;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.LaneUsage;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.fluxrouter.billing.schema.state.PlanHistory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The metering transition on its own, without Kafka: state in, (writes, ordered outputs) out, and the state it
 * read left as it was. Money is expected from BigDecimal arithmetic on the rules' figures: $1 per 1M tokens, $1
 * of included credit, a month closing 24 h after its end, ids remembered 35 days (rules 3, 6 to 11).
 */
class MeterTransitionTest {
    private static final Duration WINDOW = Duration.ofDays(35);
    private static final Duration GRACE = Duration.ofHours(24);
    private static final BigDecimal ONE_DOLLAR_PER_MILLION = new BigDecimal("1");
    private static final long NANOS_PER_TOKEN = ONE_DOLLAR_PER_MILLION.movePointRight(9)
            .divide(BigDecimal.valueOf(1_000_000)).longValueExact();
    private static final long TIMESTAMP = Instant.parse("2026-11-27T00:00:00Z").toEpochMilli();
    private static final PlanHistory ONE_DOLLAR_CREDIT = new PlanHistory(List.of(new AccountPlan("acme", "Starter",
            new BigDecimal("1.000000000"), null, null, Instant.parse("2026-01-01T00:00:00Z"))));

    private final MeterTransition transition = new MeterTransition(WINDOW.toMillis(), GRACE.toMillis(), Duration.ofHours(1).toMillis(), Duration.ofSeconds(10).toMillis(), false);
    private final MapState state = new MapState();

    MeterTransitionTest() {
        state.plans.put("acme", ONE_DOLLAR_CREDIT.getVersions());
    }

    private static PlannedRequest request(String requestId, String completedAt, long inputTokens, long outputTokens) {
        RoutedRequest request = RoutedRequest.newBuilder()
                .setRequestId(requestId).setAccountId("acme").setRequestedModel("flux-auto").setServedModel("m")
                .setLane(null).setInputTokens(inputTokens).setOutputTokens(outputTokens)
                .setCompletedAt(Instant.parse(completedAt)).setQuotedCostUsd(null).build();
        Rate rate = new Rate(Lane.EXPRESS, NANOS_PER_TOKEN, NANOS_PER_TOKEN, Instant.parse("2020-01-01T00:00:00Z").toEpochMilli());
        Price price = new Price(inputTokens * NANOS_PER_TOKEN, outputTokens * NANOS_PER_TOKEN);
        return new PlannedRequest(new PricedCandidate(request, Lane.EXPRESS, true, rate, price), ONE_DOLLAR_CREDIT);
    }

    private static BigDecimal usd(String amount) {
        return new BigDecimal(amount).setScale(9);
    }

    private static long nanos(String usd) {
        return new BigDecimal(usd).movePointRight(9).longValueExact();
    }

    private static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static String idKey(String requestId) {
        return "acme\u001F" + requestId;
    }

    private static String ledgerKey(String month) {
        return "acme\u001F" + month;
    }

    private static List<Object> values(MeterStep step) {
        List<Object> values = new ArrayList<>();
        step.outputs().forEach(output -> values.add(output.value()));
        return values;
    }

    /** $2 of Express: 1.5M input and 0.5M output tokens at $1 per 1M. */
    private static PlannedRequest twoDollars(String requestId, String completedAt) {
        return request(requestId, completedAt, 1_500_000, 500_000);
    }

    @Test
    void anAcceptedRequestBecomesItsStateWritesAndOrderedOutputsWhileTheStateItReadStaysAsItWas() {
        state.clock = ms("2026-10-09T00:00:00Z");

        MeterStep step = transition.meter(state, twoDollars("r1", "2026-10-10T12:00:00Z"), TIMESTAMP);

        assertThat(state.clock).isEqualTo(ms("2026-10-09T00:00:00Z"));
        assertThat(state.ids).isEmpty();
        assertThat(state.ledgers).isEmpty();
        assertThat(state.deadlines).isEmpty();

        long acceptedAt = ms("2026-10-10T12:00:00Z");
        assertThat(step.clock()).isEqualTo(acceptedAt);
        assertThat(step.clockMoved()).isTrue();
        assertThat(step.clockMovedByRequest()).isTrue();
        assertThat(step.priced()).isTrue();
        assertThat(step.requestIdWrites()).containsExactly(java.util.Map.entry(idKey("r1"), acceptedAt));
        MonthLedger october = step.monthWrites().get(ledgerKey("2026-10"));
        assertThat(october.getLanes()).singleElement().satisfies(lane -> {
            assertThat(lane.getLane()).isEqualTo("EXPRESS");
            assertThat(lane.getRequests()).isEqualTo(1);
            assertThat(lane.getInputTokens()).isEqualTo(1_500_000);
            assertThat(lane.getOutputTokens()).isEqualTo(500_000);
            assertThat(lane.getAmountNanos()).isEqualTo(nanos("2"));
        });
        assertThat(october.getOverageNanos()).isEqualTo(nanos("1"));
        assertThat(october.getClosed()).isFalse();
        long closeAt = Instant.parse("2026-11-01T00:00:00Z").plus(GRACE).toEpochMilli();
        // Rule 12: the account's first status, emitted, is due again at its period's end (PERIOD). No FORGET_ID: the
        // processor's sweep forgets the id (AcceptedIdSweep).
        assertThat(step.deadlineWrites()).containsExactly(
                new MeterStep.DeadlineWrite.Checked(acceptedAt),
                new MeterStep.DeadlineWrite.Add(new Deadline(closeAt, Deadline.Kind.CLOSE, ledgerKey("2026-10"))),
                new MeterStep.DeadlineWrite.Add(new Deadline(ms("2026-11-01T00:00:00Z"), Deadline.Kind.PERIOD, "acme")));

        assertThat(step.outputs()).allSatisfy(output -> assertThat(output.timestamp()).isEqualTo(TIMESTAMP));
        assertThat(step.outputs().get(0).key()).isEqualTo("acme");
        assertThat(step.outputs().subList(1, 5))
                .allSatisfy(output -> assertThat(output.key()).isEqualTo(new AccountMonthKey("acme", "2026-10")));
        assertThat(step.outputs().get(5).key()).isEqualTo("acme");
        List<Object> values = values(step);
        assertThat(values).hasSize(6);
        assertThat(values.get(0)).isInstanceOfSatisfying(PricedRequest.class, priced -> {
            assertThat(priced.getRequestId()).isEqualTo("r1");
            assertThat(priced.getBillingMonth()).isEqualTo("2026-10");
            assertThat(priced.getCostUsd()).isEqualTo(usd("2"));
        });
        assertThat(values.get(1)).isInstanceOfSatisfying(OverageUpdate.class, overage -> {
            assertThat(overage.getUsageUsd()).isEqualTo(usd("2"));
            assertThat(overage.getOverageUsd()).isEqualTo(usd("1"));
            assertThat(overage.getOverageDeltaUsd()).isEqualTo(usd("1"));
        });
        assertThat(values.subList(2, 5)).extracting(alert -> ((SpendAlert) alert).getAlert())
                .containsExactly("CREDIT_50", "CREDIT_80", "CREDIT_100");
        // Rule 12, section F: the spend status last; the account's first, caused by a request: USAGE
        assertThat(values.get(5)).isInstanceOfSatisfying(SpendStatus.class, status -> {
            assertThat(status.getBillingMonth()).isEqualTo("2026-10");
            assertThat(status.getUsageUsd()).isEqualTo(usd("2"));
            assertThat(status.getReason()).isEqualTo("USAGE");
            assertThat(status.getAsOf()).isEqualTo(Instant.parse("2026-10-10T12:00:00Z"));
        });
        assertThat(step.statusWrites()).containsOnlyKeys("acme");
        assertThat(state.statuses).isEmpty();
    }

    @Test
    void anAccountsFirstStatusSchedulesTheVersionsAheadItKnowsOfWithNoPlanChange() {
        // Rule 12 D. After an upgrade from a release without statuses, versions published before it never reach the
        // meter as a plan change: the account's first status schedules the one ahead (a Team upgrade on the 18th), so
        // a capped account resumes then with no request.
        PlanHistory scheduled = new PlanHistory(List.of(
                new AccountPlan("acme", "Free", usd("0"), usd("0.5"), null, Instant.parse("2026-01-01T00:00:00Z")),
                new AccountPlan("acme", "Team", usd("20"), usd("100"), null, Instant.parse("2026-11-18T00:00:00Z"))));
        state.plans.put("acme", scheduled.getVersions());
        MeterStep first = transition.meter(state,
                new PlannedRequest(request("r1", "2026-11-10T00:00:00Z", 1_000_000, 0).candidate(), scheduled), TIMESTAMP);
        Deadline effect = new Deadline(ms("2026-11-18T00:00:00Z"), Deadline.Kind.EFFECT, "acme");
        assertThat(first.deadlineWrites()).contains(new MeterStep.DeadlineWrite.Add(effect));
        state.apply(first);

        MeterStep second = transition.meter(state,
                new PlannedRequest(request("r2", "2026-11-11T00:00:00Z", 1_000_000, 0).candidate(), scheduled), TIMESTAMP);
        assertThat(second.deadlineWrites()).as("only the first status schedules; plan changes schedule the rest")
                .noneMatch(write -> write instanceof MeterStep.DeadlineWrite.Add add && add.deadline().kind() == Deadline.Kind.EFFECT);
    }

    @Test
    void computingTheSameRequestTwiceGivesTheSameStepAndNeverChangesTheLedgerItRead() {
        state.apply(transition.meter(state, twoDollars("r1", "2026-10-10T12:00:00Z"), TIMESTAMP));
        MonthLedger before = MonthLedger.newBuilder(state.ledgers.get(ledgerKey("2026-10"))).build();

        MeterStep first = transition.meter(state, twoDollars("r2", "2026-10-11T12:00:00Z"), TIMESTAMP);
        MeterStep second = transition.meter(state, twoDollars("r2", "2026-10-11T12:00:00Z"), TIMESTAMP);

        assertThat(state.ledgers.get(ledgerKey("2026-10"))).isEqualTo(before);
        assertThat(first.monthWrites()).isEqualTo(second.monthWrites());
        assertThat(first.outputs()).isEqualTo(second.outputs());
        assertThat(first.monthWrites().get(ledgerKey("2026-10")).getLanes().get(0).getAmountNanos())
                .isEqualTo(nanos("4"));
    }

    @Test
    void aRequestIdAcceptedWithinTheWindowIsAnEmptyStepMarkedDuplicate() {
        state.apply(transition.meter(state, twoDollars("r1", "2026-10-10T12:00:00Z"), TIMESTAMP));

        MeterStep step = transition.meter(state, twoDollars("r1", "2026-10-12T12:00:00Z"), TIMESTAMP);

        assertThat(step.duplicate()).isTrue();
        assertThat(step.priced()).isFalse();
        assertThat(step.outputs()).isEmpty();
        assertThat(step.requestIdWrites()).isEmpty();
        assertThat(step.monthWrites()).isEmpty();
        assertThat(step.deadlineWrites()).isEmpty();
        assertThat(step.clockMoved()).isFalse();
    }

    @Test
    void withForgetIdsByDeadlineAnAcceptedIdIsDueToBeForgottenAtTheHourAfterItsWindow() {
        MeterStep step = byDeadline().meter(state, twoDollars("r1", "2026-10-10T12:30:00Z"), TIMESTAMP);

        // 12:30 plus 35 days is 2026-11-14T12:30Z; due strictly after it, at the next whole hour.
        assertThat(step.deadlineWrites()).contains(new MeterStep.DeadlineWrite.Add(
                new Deadline(ms("2026-11-14T13:00:00Z"), Deadline.Kind.FORGET_ID, idKey("r1"))));
    }

    @Test
    void aForgetDeadlineStoredByAnEarlierReleaseStillForgetsItsIdOnceItFallsDue() {
        state.apply(byDeadline().meter(state, twoDollars("r1", "2026-10-10T12:30:00Z"), TIMESTAMP));

        MeterStep before = transition.meter(state, twoDollars("other-1", "2026-11-14T12:59:59Z"), TIMESTAMP);
        assertThat(before.requestIdWrites()).doesNotContainKey(idKey("r1"));
        state.apply(before);
        MeterStep due = transition.meter(state, twoDollars("other-2", "2026-11-14T13:00:00Z"), TIMESTAMP);

        assertThat(due.requestIdWrites()).containsEntry(idKey("r1"), null);
        assertThat(due.deadlineWrites()).contains(new MeterStep.DeadlineWrite.Remove(
                new Deadline(ms("2026-11-14T13:00:00Z"), Deadline.Kind.FORGET_ID, idKey("r1"))));
    }

    /** The layout before the sweep: each accepted id gets a FORGET_ID deadline of its own. */
    private static MeterTransition byDeadline() {
        return new MeterTransition(WINDOW.toMillis(), GRACE.toMillis(), Duration.ofHours(1).toMillis(),
                Duration.ofSeconds(10).toMillis(), true);
    }

    @Test
    void anIdAcceptedAgainAfterItsWindowIsNotForgottenByTheDeadlineOfItsFirstAcceptance() {
        // First acceptance at 00:30 by a release that gave each id a FORGET_ID deadline: the next hour after it plus
        // the window. This release handles the deadlines such a release stored.
        state.apply(byDeadline().meter(state, twoDollars("r1", "2026-10-01T00:30:00Z"), TIMESTAMP));
        Instant windowPassed = Instant.parse("2026-10-01T00:30:00Z").plus(WINDOW).plusMillis(1);
        state.apply(transition.meter(state, twoDollars("other-1", windowPassed.toString()), TIMESTAMP));
        // A copy completed within the window of the clock: the first acceptance is more than a window back (rule 3).
        MeterStep again = transition.meter(state, twoDollars("r1", windowPassed.toString()), TIMESTAMP);
        assertThat(again.priced()).isTrue();
        state.apply(again);

        Instant firstDeadline = Instant.parse("2026-11-05T01:00:00Z");
        MeterStep passing = transition.meter(state, twoDollars("other-2", firstDeadline.toString()), TIMESTAMP);
        assertThat(passing.deadlineWrites()).contains(new MeterStep.DeadlineWrite.Remove(
                new Deadline(firstDeadline.toEpochMilli(), Deadline.Kind.FORGET_ID, idKey("r1"))));
        assertThat(passing.requestIdWrites()).doesNotContainKey(idKey("r1"));
        state.apply(passing);

        // Within the window of the second acceptance: a duplicate.
        assertThat(transition.meter(state, twoDollars("r1", firstDeadline.toString()), TIMESTAMP).duplicate()).isTrue();
    }

    @Test
    void aRequestMoreThanTheWindowBehindTheClockIsRejectedTooLateWhileComputing() {
        state.clock = ms("2026-11-20T00:00:00Z");

        assertThatThrownBy(() -> transition.meter(state, twoDollars("r1", "2026-10-15T23:59:59.999Z"), TIMESTAMP))
                .isInstanceOfSatisfying(RejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LATE));
        assertThat(transition.meter(state, twoDollars("r2", "2026-10-16T00:00:00Z"), TIMESTAMP).priced()).isTrue();
    }

    @Test
    void aRequestThatMovesTheClockPastAMonthsCloseClosesItFirstInTheSameStep() {
        state.apply(transition.meter(state, twoDollars("r1", "2026-10-10T12:00:00Z"), TIMESTAMP));

        MeterStep step = transition.meter(state, twoDollars("r2", "2026-11-03T00:00:00Z"), TIMESTAMP);

        List<Object> values = values(step);
        // Rule 12: October's status period ends at Nov 1 00:00 (PERIOD), before the close at Nov 2: November's
        // status comes first, then October's invoice
        assertThat(values.get(0)).isInstanceOfSatisfying(SpendStatus.class, status -> {
            assertThat(status.getBillingMonth()).isEqualTo("2026-11");
            assertThat(status.getReason()).isEqualTo("NEW_PERIOD");
            assertThat(status.getAsOf()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        });
        assertThat(values.get(1)).isInstanceOfSatisfying(InvoiceLine.class,
                line -> assertThat(line.getLineType()).isEqualTo("USAGE"));
        InvoiceLine total = values.stream().filter(InvoiceLine.class::isInstance).map(InvoiceLine.class::cast)
                .filter(line -> line.getLineType().equals("TOTAL")).findFirst().orElseThrow();
        assertThat(total.getBillingMonth()).isEqualTo("2026-10");
        assertThat(total.getAmountUsd()).isEqualTo(usd("1"));
        assertThat(total.getAmountDueUsd()).isEqualTo(usd("1"));
        int priced = values.indexOf(values.stream().filter(PricedRequest.class::isInstance).findFirst().orElseThrow());
        assertThat(values.subList(1, priced)).allMatch(InvoiceLine.class::isInstance);
        assertThat(((PricedRequest) values.get(priced)).getBillingMonth()).isEqualTo("2026-11");

        MonthLedger october = step.monthWrites().get(ledgerKey("2026-10"));
        assertThat(october.getClosed()).isTrue();
        assertThat(october.getInvoiceSets()).isEqualTo(1);
        long closeAt = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();
        long purgeAt = Instant.parse("2026-11-01T00:00:00Z").plus(WINDOW).toEpochMilli();
        assertThat(step.deadlineWrites()).startsWith(
                new MeterStep.DeadlineWrite.Add(new Deadline(ms("2026-12-01T00:00:00Z"), Deadline.Kind.PERIOD, "acme")),
                new MeterStep.DeadlineWrite.Remove(new Deadline(ms("2026-11-01T00:00:00Z"), Deadline.Kind.PERIOD, "acme")),
                new MeterStep.DeadlineWrite.Add(new Deadline(purgeAt, Deadline.Kind.PURGE, ledgerKey("2026-10"))),
                new MeterStep.DeadlineWrite.Remove(new Deadline(closeAt, Deadline.Kind.CLOSE, ledgerKey("2026-10"))),
                new MeterStep.DeadlineWrite.Checked(ms("2026-11-03T00:00:00Z")));
        assertThat(step.monthsClosed()).isEqualTo(1);
        assertThat(state.ledgers.get(ledgerKey("2026-10")).getClosed()).isFalse();
    }

    private static List<InvoiceLine> invoiceLines(MeterStep step) {
        return values(step).stream().filter(InvoiceLine.class::isInstance).map(InvoiceLine.class::cast).toList();
    }

    @Test
    void aRequestForAClosedMonthIsPricedAndOpensAPendingSetDueOneWindowLaterOnTheBillingClock() {
        state.apply(transition.meter(state, twoDollars("r1", "2026-10-10T12:00:00Z"), TIMESTAMP));
        state.apply(transition.meter(state, twoDollars("r2", "2026-11-03T00:00:00Z"), TIMESTAMP));

        MeterStep step = transition.meter(state, twoDollars("r3", "2026-10-20T00:00:00Z"), TIMESTAMP);

        assertThat(step.late()).isEqualTo(new MeterStep.Late("acme", "r3", "2026-10", 1));
        assertThat(step.clockMoved()).isFalse();
        assertThat(values(step)).filteredOn(PricedRequest.class::isInstance).hasSize(1);
        assertThat(invoiceLines(step)).as("gathered, not emitted").isEmpty();
        assertThat(step.deadlineWrites()).containsExactly(new MeterStep.DeadlineWrite.Add(new Deadline(
                ms("2026-11-03T01:00:00Z"), Deadline.Kind.SUPPLEMENT, ledgerKey("2026-10"))));
    }

    @Test
    void lateRequestsWithinTheWindowMakeOneSetOfTheirSumWhenTheClockPassesTheFirstPlusTheWindow() {
        state.apply(transition.meter(state, twoDollars("r1", "2026-10-10T12:00:00Z"), TIMESTAMP));
        state.apply(transition.meter(state, twoDollars("r2", "2026-11-03T00:00:00Z"), TIMESTAMP));
        state.apply(transition.meter(state, twoDollars("late-1", "2026-10-20T00:00:00Z"), TIMESTAMP));
        state.apply(transition.meter(state, twoDollars("r3", "2026-11-03T00:59:59Z"), TIMESTAMP));
        MeterStep second = transition.meter(state, twoDollars("late-2", "2026-10-21T00:00:00Z"), TIMESTAMP);
        assertThat(second.deadlineWrites()).as("joins the pending set").noneMatch(write -> write
                instanceof MeterStep.DeadlineWrite.Add add && add.deadline().kind() == Deadline.Kind.SUPPLEMENT);
        state.apply(second);

        MeterStep windowPassed = transition.meter(state, twoDollars("r4", "2026-11-03T01:00:00Z"), TIMESTAMP);

        assertThat(windowPassed.supplements()).isEqualTo(1);
        // $2 + $2 of late usage, the credit already used up by October's original set
        BigDecimal due = new BigDecimal("2").add(new BigDecimal("2")).setScale(9);
        assertThat(invoiceLines(windowPassed)).allSatisfy(line -> {
            assertThat(line.getSupplemental()).isTrue();
            assertThat(line.getInvoiceSet()).isEqualTo(1);
        }).filteredOn(line -> line.getLineType().equals("TOTAL")).singleElement()
                .satisfies(total -> assertThat(total.getAmountDueUsd()).isEqualTo(due));
        state.apply(windowPassed);
        assertThat(invoiceLines(transition.meter(state, twoDollars("r5", "2026-11-04T00:00:00Z"), TIMESTAMP)))
                .as("nothing pending any more").isEmpty();
    }

    @Test
    void anIdleAdvanceEmitsEveryPendingSetBeforeItsWindowHasPassed() {
        state.apply(transition.meter(state, twoDollars("r1", "2026-10-10T12:00:00Z"), TIMESTAMP));
        state.apply(transition.meter(state, twoDollars("r2", "2026-11-03T00:00:00Z"), TIMESTAMP));
        state.apply(transition.meter(state, twoDollars("late", "2026-10-20T00:00:00Z"), TIMESTAMP));
        long now = ms("2026-11-03T00:10:00Z");

        MeterStep idle = transition.advance(state, now);

        assertThat(idle.supplements()).isEqualTo(1);
        assertThat(invoiceLines(idle)).filteredOn(line -> line.getLineType().equals("TOTAL")).singleElement()
                .satisfies(total -> {
                    assertThat(total.getSupplemental()).isTrue();
                    assertThat(total.getAmountDueUsd()).isEqualTo(usd("2"));
                });
        assertThat(idle.outputs()).allSatisfy(output -> assertThat(output.timestamp()).isEqualTo(now));
        assertThat(idle.deadlineWrites()).contains(new MeterStep.DeadlineWrite.Remove(new Deadline(
                ms("2026-11-03T01:00:00Z"), Deadline.Kind.SUPPLEMENT, ledgerKey("2026-10"))));
        state.apply(idle);
        assertThat(transition.advance(state, now + 60_000).outputs()).isEmpty();
    }

    @Test
    void aPendingSetFallsDueBeforeItsMonthIsPurged() {
        state.apply(transition.meter(state, twoDollars("r1", "2026-10-10T12:00:00Z"), TIMESTAMP));
        // October's state is purged at its end plus the 35-day window: 2026-12-06T00:00Z
        long purgeAt = ms("2026-11-01T00:00:00Z") + WINDOW.toMillis();
        state.apply(transition.meter(state, twoDollars("r2", "2026-12-05T23:30:00Z"), TIMESTAMP));

        MeterStep late = transition.meter(state, twoDollars("late", "2026-10-31T23:45:00Z"), TIMESTAMP);

        assertThat(late.deadlineWrites()).contains(new MeterStep.DeadlineWrite.Add(new Deadline(purgeAt - 1,
                Deadline.Kind.SUPPLEMENT, ledgerKey("2026-10"))));
        state.apply(late);
        MeterStep purge = transition.meter(state, twoDollars("r3", "2026-12-06T00:00:00Z"), TIMESTAMP);
        assertThat(invoiceLines(purge)).filteredOn(line -> line.getLineType().equals("TOTAL")).singleElement()
                .satisfies(total -> assertThat(total.getAmountDueUsd()).isEqualTo(usd("2")));
        assertThat(purge.monthWrites()).containsEntry(ledgerKey("2026-10"), null);
    }

    @Test
    void withNoWindowEachLateRequestMakesItsOwnSetAtOnce() {
        MeterTransition immediate = new MeterTransition(WINDOW.toMillis(), GRACE.toMillis(), 0, Duration.ofSeconds(10).toMillis(), false);
        state.apply(immediate.meter(state, twoDollars("r1", "2026-10-10T12:00:00Z"), TIMESTAMP));
        state.apply(immediate.meter(state, twoDollars("r2", "2026-11-03T00:00:00Z"), TIMESTAMP));

        MeterStep step = immediate.meter(state, twoDollars("r3", "2026-10-20T00:00:00Z"), TIMESTAMP);

        assertThat(invoiceLines(step)).allSatisfy(line -> {
            assertThat(line.getSupplemental()).isTrue();
            assertThat(line.getInvoiceSet()).isEqualTo(1);
        }).filteredOn(line -> line.getLineType().equals("TOTAL")).singleElement()
                .satisfies(total -> assertThat(total.getAmountDueUsd()).isEqualTo(usd("2")));
    }

    @Test
    void anIdleAdvanceClosesWhatFellDueStampedWithTheWallClockAndPricesNothing() {
        state.apply(transition.meter(state, twoDollars("r1", "2026-10-10T12:00:00Z"), TIMESTAMP));
        long now = ms("2026-11-02T00:00:00Z");

        MeterStep step = transition.advance(state, now);

        assertThat(step.priced()).isFalse();
        assertThat(step.clockMovedByRequest()).isFalse();
        assertThat(step.clock()).isEqualTo(now);
        assertThat(step.monthsClosed()).isEqualTo(1);
        assertThat(step.outputs()).isNotEmpty().allSatisfy(output -> assertThat(output.timestamp()).isEqualTo(now));
        // Rule 12: the PERIOD deadline at Nov 1 gives November's status before October closes at Nov 2
        assertThat(values(step).get(0)).isInstanceOfSatisfying(SpendStatus.class,
                status -> assertThat(status.getReason()).isEqualTo("NEW_PERIOD"));
        assertThat(values(step).subList(1, values(step).size())).isNotEmpty().allMatch(InvoiceLine.class::isInstance);
        assertThat(transition.advance(state, ms("2026-10-01T00:00:00Z")).deadlineWrites()).isEmpty();
    }

    @Test
    void aRequestThatWouldTakeItsMonthPastTheUsageLimitIsRejectedWhileComputingAndAFreeOneIsNot() {
        MonthLedger full = Ledgers.open("acme", "2026-10", "Z", ms("2026-11-02T00:00:00Z"), PlanTerms.PAY_AS_YOU_GO);
        full.getLanes().add(new LaneUsage("EXPRESS", 450L, 4_500_000_000L, 4_500_000_000L, nanos("9000000000")));
        state.ledgers.put(ledgerKey("2026-10"), full);
        state.clock = ms("2026-10-10T00:00:00Z");

        // one token at $1 per 1M: $0.000001 past the limit
        assertThatThrownBy(() -> transition.meter(state, request("one-token", "2026-10-10T12:00:00Z", 1, 0), TIMESTAMP))
                .isInstanceOfSatisfying(RejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.ACCOUNT_MONTH_LIMIT));
        assertThat(state.ledgers.get(ledgerKey("2026-10")).getLanes().get(0).getAmountNanos()).isEqualTo(nanos("9000000000"));
        assertThat(transition.meter(state, request("free", "2026-10-10T12:00:00Z", 0, 0), TIMESTAMP).priced()).isTrue();
    }

    @Test
    void theTransitionAndWhatItReadsAndWritesImportNothingOfKafka() throws IOException {
        Path metering = Path.of("src/main/java/com/fluxrouter/billing/metering");
        for (String pure : List.of("MeterTransition", "MeterStep", "MeterState", "Deadline", "FaultPoint", "Ledgers",
                "PlanTimeline", "BillingCalendar", "Settlement", "PlanTerms", "StatusFigures", "MeterInput", "PlanChange")) {
            assertThat(Files.readString(metering.resolve(pure + ".java"))).as(pure).doesNotContain("org.apache.kafka");
        }
    }
}
