package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.intake.PricedCandidate;
import com.fluxrouter.billing.plans.PlanPublishing;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.pricing.Price;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.PlanHistory;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Rule 12, a plan change that reaches the meter late: the plan-history table's changes come through a repartition
 * topic, so a re-run after {@code reset} meters requests (under the versions published by their record timestamps,
 * rule 6) before the changes of the versions they already knew. Seen in ReprocessingIT: an account upgraded from a
 * $4 to a $20 ceiling was sent CEILING_90 and CEILING_100 on the superseded $4 when its first version's change came
 * after its November requests. A change superseded by a later publication does nothing; the later one's change,
 * which follows, acts as of its own publication, as in production order.
 */
class LatePlanChangeTest {
    private static final String ACCOUNT = "acme";
    private static final long TEN_DOLLARS_PER_MILLION = new BigDecimal("10").movePointRight(9)
            .divide(BigDecimal.valueOf(1_000_000)).longValueExact();
    private static final AccountPlan TEAM = new AccountPlan(ACCOUNT, "Team", new BigDecimal("3"), new BigDecimal("4"),
            null, Instant.parse("2026-09-01T00:00:00Z"));
    private static final AccountPlan SCALE = new AccountPlan(ACCOUNT, "Scale", new BigDecimal("10"), new BigDecimal("20"),
            null, Instant.parse("2026-10-10T00:00:00Z"));
    /** Team was published first, Scale later; the requests were produced after both. */
    private static final long TEAM_PUBLISHED = Instant.parse("2026-11-29T19:55:37.543Z").toEpochMilli();
    private static final long SCALE_PUBLISHED = TEAM_PUBLISHED + 4_000;
    private static final long REQUESTS_PRODUCED = SCALE_PUBLISHED + 2_000;

    private final MeterTransition transition = new MeterTransition(Duration.ofDays(35).toMillis(),
            Duration.ofHours(24).toMillis(), Duration.ofHours(1).toMillis(), Duration.ofSeconds(10).toMillis(), false);
    private final MapState state = new MapState();

    LatePlanChangeTest() {
        publish(TEAM, TEAM_PUBLISHED, SCALE, SCALE_PUBLISHED);
    }

    @Test
    void aChangeCarryingOlderVersionsThanTheRequestsAlreadyMeteredNeitherCapsNorAlerts() {
        // $6 in November, metered under Team and Scale (published by the requests' record timestamp).
        for (int day = 1; day <= 6; day++) {
            state.apply(transition.meter(state, oneDollar("r" + day, "2026-11-%02dT12:00:00Z".formatted(day)),
                    REQUESTS_PRODUCED + day));
        }
        SpendStatus before = state.statuses.get(ACCOUNT);
        assertThat(before.getSpendCeilingUsd()).isEqualByComparingTo("20");

        // Team's own change, carrying Team alone, reaches the meter now: the task has taken records up to the last
        // request's timestamp.
        MeterStep late = transition.planChange(state, new PlanChange(ACCOUNT, new PlanHistory(List.of(TEAM))),
                TEAM_PUBLISHED, REQUESTS_PRODUCED + 60_000, REQUESTS_PRODUCED + 6);

        List<Object> outputs = late.outputs().stream().map(output -> (Object) output.value()).toList();
        assertThat(outputs).noneMatch(SpendAlert.class::isInstance).noneMatch(OverageUpdate.class::isInstance);
        // $6 of usage against the $20 ceiling in force (Scale, from October 10th): 20 - 6 remain.
        SpendStatus status = late.statusWrites().getOrDefault(ACCOUNT, before);
        assertThat(status.getStatus().toString()).isEqualTo("ACTIVE");
        assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("20");
        assertThat(status.getRemainingUsd()).isEqualByComparingTo(new BigDecimal("20").subtract(new BigDecimal("6")));
    }

    @Test
    void aSupersededChangeLeavesTheCreditOfALaterPublicationToThatPublicationsOwnChange() {
        AccountPlan more = new AccountPlan(ACCOUNT, "More", new BigDecimal("5"), null, null,
                Instant.parse("2026-11-01T00:00:00Z"));
        AccountPlan team = new AccountPlan(ACCOUNT, "Team", new BigDecimal("3"), null, null,
                Instant.parse("2026-09-01T00:00:00Z"));
        long teamPublished = Instant.parse("2026-10-15T00:00:00Z").toEpochMilli();
        long morePublished = Instant.parse("2026-11-10T00:00:00Z").toEpochMilli();
        publish(team, teamPublished, more, morePublished);
        // $6 in November, produced from the 2nd to the 7th under Team alone ($3 credit): $3 of overage.
        meterOneDollarADay(2, 7, new PlanHistory(List.of(team)));

        // Team's change arrives after the task took a record stamped after More's publication: superseded.
        MeterStep late = transition.planChange(state, new PlanChange(ACCOUNT, new PlanHistory(List.of(team))),
                teamPublished, morePublished + 60_000, morePublished + 1);
        assertThat(late.outputs()).isEmpty();
        assertThat(late.statusWrites()).isEmpty();
        state.apply(late);

        // More's own change: its $5 credit as of its publication, $6 - $5 = $1 of overage, $2 less than before.
        MeterStep moreChange = transition.planChange(state, new PlanChange(ACCOUNT, new PlanHistory(List.of(team, more))),
                morePublished, morePublished + 60_000, morePublished + 1);
        List<OverageUpdate> updates = moreChange.outputs().stream().map(MeterStep.Output::value)
                .filter(OverageUpdate.class::isInstance).map(OverageUpdate.class::cast).toList();
        assertThat(updates).singleElement().satisfies(update -> {
            assertThat(update.getOverageUsd()).isEqualByComparingTo(new BigDecimal("6").subtract(new BigDecimal("5")));
            assertThat(update.getOverageDeltaUsd()).isEqualByComparingTo(
                    new BigDecimal("6").subtract(new BigDecimal("5")).subtract(new BigDecimal("6").subtract(new BigDecimal("3"))));
            assertThat(update.getAsOf()).isEqualTo(Instant.ofEpochMilli(morePublished));
        });
    }

    @Test
    void aLateChangeThatNothingSupersedesStillResumesACappedAccount() {
        AccountPlan capped = new AccountPlan(ACCOUNT, "Free", new BigDecimal("0"), new BigDecimal("2"), null,
                Instant.parse("2026-09-01T00:00:00Z"));
        AccountPlan upgrade = new AccountPlan(ACCOUNT, "Team", new BigDecimal("3"), new BigDecimal("4"), null,
                Instant.parse("2026-11-05T00:00:00Z"));
        long cappedPublished = Instant.parse("2026-10-01T00:00:00Z").toEpochMilli();
        long upgradePublished = Instant.parse("2026-11-05T00:00:00Z").toEpochMilli();
        publish(capped, cappedPublished, upgrade, upgradePublished);
        meterOneDollarADay(1, 2, new PlanHistory(List.of(capped)));
        assertThat(state.statuses.get(ACCOUNT).getStatus().toString()).isEqualTo("CAPPED");

        // The upgrade's change reaches the meter 100 ms after the task took a record produced after it.
        MeterStep late = transition.planChange(state, new PlanChange(ACCOUNT, new PlanHistory(List.of(capped, upgrade))),
                upgradePublished, upgradePublished + 200, upgradePublished + 100);

        SpendStatus status = late.statusWrites().get(ACCOUNT);
        assertThat(status.getStatus().toString()).isEqualTo("ACTIVE");
        assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("4");
        assertThat(status.getRemainingUsd()).isEqualByComparingTo(new BigDecimal("4").subtract(new BigDecimal("2")));
    }

    /**
     * The opposite of a re-run's late change: a request produced after a cap's publication reaches the meter before
     * the cap's change (the change's repartition record not yet taken: task idling off, operations.md). It is billed
     * exactly as in production order (rule 6: the versions published by its own timestamp), but the cap's CEILING
     * alerts come from its step, naming it (rule 12, "Known limit"), where production order has the cap's own step
     * fire them as of its publication, naming no request.
     */
    @Test
    void aCapWhoseChangeArrivesAfterALaterRequestBillsTheSameButItsCeilingAlertsNameThatRequest() {
        AccountPlan payAsYouGo = new AccountPlan(ACCOUNT, "Pay as you go", new BigDecimal("0"), null, null,
                Instant.parse("2026-09-01T00:00:00Z"));
        AccountPlan cap = new AccountPlan(ACCOUNT, "Capped", new BigDecimal("0"), new BigDecimal("3"), null,
                Instant.parse("2026-11-05T00:00:00Z"));
        long payAsYouGoPublished = Instant.parse("2026-10-01T00:00:00Z").toEpochMilli();
        long capPublished = Instant.parse("2026-11-05T00:00:00Z").toEpochMilli();
        Instant requestCompleted = Instant.parse("2026-11-05T12:00:00Z");
        long requestProduced = requestCompleted.toEpochMilli() + 1_000;
        PlanHistory both = new PlanHistory(List.of(payAsYouGo, cap));
        PlanChange change = new PlanChange(ACCOUNT, both);
        MapState inOrder = state;
        MapState capLate = new MapState();
        for (MapState run : List.of(inOrder, capLate)) {
            run.publications.put(ACCOUNT, PlanPublishing.with(PlanPublishing.with(null, payAsYouGo,
                    payAsYouGoPublished), cap, capPublished));
            for (int day = 1; day <= 3; day++) {
                String completed = "2026-11-%02dT12:00:00Z".formatted(day);
                run.apply(transition.meter(run, oneDollar("r" + day, completed, new PlanHistory(List.of(payAsYouGo))),
                        Instant.parse(completed).toEpochMilli() + 1_000));
            }
        }

        List<SpendAlert> inOrderAlerts = new ArrayList<>();
        MeterStep capStep = transition.planChange(inOrder, change, capPublished, capPublished, capPublished);
        inOrder.apply(capStep);
        MeterStep requestAfterCap = transition.meter(inOrder, oneDollar("r5", requestCompleted.toString(), both),
                requestProduced);
        inOrder.apply(requestAfterCap);
        List.of(capStep, requestAfterCap).forEach(step -> inOrderAlerts.addAll(alerts(step)));

        List<SpendAlert> capLateAlerts = new ArrayList<>();
        MeterStep requestFirst = transition.meter(capLate, oneDollar("r5", requestCompleted.toString(), both),
                requestProduced);
        capLate.apply(requestFirst);
        MeterStep lateCapStep = transition.planChange(capLate, change, capPublished, requestProduced + 100,
                requestProduced);
        capLate.apply(lateCapStep);
        List.of(requestFirst, lateCapStep).forEach(step -> capLateAlerts.addAll(alerts(step)));

        // Billed the same: the account-month, its usage, terms, overage and the alerts it has fired.
        assertThat(capLate.ledgers).isEqualTo(inOrder.ledgers);
        BigDecimal ceiling = new BigDecimal("3");
        BigDecimal usageAtCap = new BigDecimal("3");
        assertThat(inOrderAlerts).extracting(SpendAlert::getAlert, a -> a.getThresholdUsd().stripTrailingZeros(),
                a -> a.getUsageUsd().stripTrailingZeros(), SpendAlert::getAt, SpendAlert::getRequestId).containsExactly(
                tuple("CEILING_90", new BigDecimal("0.9").multiply(ceiling).stripTrailingZeros(),
                        usageAtCap.stripTrailingZeros(), Instant.ofEpochMilli(capPublished), null),
                tuple("CEILING_100", ceiling.stripTrailingZeros(),
                        usageAtCap.stripTrailingZeros(), Instant.ofEpochMilli(capPublished), null));
        BigDecimal usageWithRequest = usageAtCap.add(BigDecimal.ONE);
        assertThat(capLateAlerts).extracting(SpendAlert::getAlert, a -> a.getThresholdUsd().stripTrailingZeros(),
                a -> a.getUsageUsd().stripTrailingZeros(), SpendAlert::getAt, SpendAlert::getRequestId).containsExactly(
                tuple("CEILING_90", new BigDecimal("0.9").multiply(ceiling).stripTrailingZeros(),
                        usageWithRequest.stripTrailingZeros(), requestCompleted, "r5"),
                tuple("CEILING_100", ceiling.stripTrailingZeros(),
                        usageWithRequest.stripTrailingZeros(), requestCompleted, "r5"));
        assertThat(lateCapStep.outputs()).as("the late change finds nothing left to do").isEmpty();
    }

    private static List<SpendAlert> alerts(MeterStep step) {
        return step.outputs().stream().map(MeterStep.Output::value).filter(SpendAlert.class::isInstance)
                .map(SpendAlert.class::cast).toList();
    }

    @Test
    void aChangeInProductionOrderIsComputedUnderTheVersionsItCarries() {
        // Team's change with nothing later taken: it alone is known, its $4 ceiling in force, nothing used yet.
        MeterStep step = transition.planChange(state, new PlanChange(ACCOUNT, new PlanHistory(List.of(TEAM))),
                TEAM_PUBLISHED, TEAM_PUBLISHED, TEAM_PUBLISHED);

        SpendStatus status = step.statusWrites().get(ACCOUNT);
        assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("4");
        assertThat(status.getIncludedCreditUsd()).isEqualByComparingTo("3");
    }

    /** The account's two versions, each with the instant (epoch ms) it was published. */
    private void publish(AccountPlan first, long firstPublished, AccountPlan second, long secondPublished) {
        state.publications.put(ACCOUNT, PlanPublishing.with(PlanPublishing.with(null, first, firstPublished), second,
                secondPublished));
    }

    /** $1 each November day from {@code fromDay} to {@code toDay} at noon UTC, produced a second after it completed. */
    private void meterOneDollarADay(int fromDay, int toDay, PlanHistory plans) {
        for (int day = fromDay; day <= toDay; day++) {
            String completed = "2026-11-%02dT12:00:00Z".formatted(day);
            state.apply(transition.meter(state, oneDollar("r" + day, completed, plans),
                    Instant.parse(completed).toEpochMilli() + 1_000));
        }
    }

    /** $1 of Express: 100,000 tokens at $10 per 1M, metered under Team and Scale. */
    private static PlannedRequest oneDollar(String requestId, String completedAt) {
        return oneDollar(requestId, completedAt, new PlanHistory(List.of(TEAM, SCALE)));
    }

    /** $1 of Express: 100,000 tokens at $10 per 1M, metered under {@code plans}. */
    private static PlannedRequest oneDollar(String requestId, String completedAt, PlanHistory plans) {
        RoutedRequest request = RoutedRequest.newBuilder()
                .setRequestId(requestId).setAccountId(ACCOUNT).setRequestedModel("flux-auto").setServedModel("m")
                .setLane(null).setInputTokens(50_000).setOutputTokens(50_000)
                .setCompletedAt(Instant.parse(completedAt)).setQuotedCostUsd(null).build();
        Rate rate = new Rate(Lane.EXPRESS, TEN_DOLLARS_PER_MILLION, TEN_DOLLARS_PER_MILLION,
                Instant.parse("2020-01-01T00:00:00Z").toEpochMilli());
        Price price = new Price(50_000 * TEN_DOLLARS_PER_MILLION, 50_000 * TEN_DOLLARS_PER_MILLION);
        return new PlannedRequest(new PricedCandidate(request, Lane.EXPRESS, true, rate, price), plans);
    }
}
