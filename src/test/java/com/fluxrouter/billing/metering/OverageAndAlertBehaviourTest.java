package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Rules 6 to 9 and 12 end to end: plans per month, overage updates and spend alerts. */
class OverageAndAlertBehaviourTest extends PipelineTest {
    private static final String ACCOUNT = "acct-1";
    private static final String LONG_AGO = "2020-01-01T00:00:00Z";

    private static void assertUpdate(OverageUpdate update, String usage, String credit, String overage, String delta) {
        assertThat(update.getAccountId()).isEqualTo(ACCOUNT);
        assertThat(update.getUsageUsd()).as("usage").isEqualByComparingTo(usage);
        assertThat(update.getIncludedCreditUsd()).as("credit").isEqualByComparingTo(credit);
        assertThat(update.getOverageUsd()).as("overage").isEqualByComparingTo(overage);
        assertThat(update.getOverageDeltaUsd()).as("delta").isEqualByComparingTo(delta);
    }

    private List<String> alertNames() {
        return alerts().stream().map(SpendAlert::getAlert).toList();
    }

    @Test
    void overageUpdateIsEmittedOnlyWhenOverageDueChangesWithCumulativeAndDelta() {
        publishPlan(plan(ACCOUNT, "Team", "10", null, null, LONG_AGO));
        spend(ACCOUNT, "4", "2026-10-01T00:00:00Z");
        spend(ACCOUNT, "4", "2026-10-02T00:00:00Z");
        assertThat(overage()).as("no overage while under credit").isEmpty();

        spend(ACCOUNT, "3", "2026-10-03T00:00:00Z");
        List<OverageUpdate> first = overage();
        assertThat(first).hasSize(1);
        assertUpdate(first.get(0), "11", "10", "1", "1");
        assertThat(first.get(0).getBillingMonth()).isEqualTo("2026-10");
        assertThat(first.get(0).getSpendCeilingUsd()).isNull();
        assertThat(first.get(0).getAsOf()).isEqualTo(Instant.parse("2026-10-03T00:00:00Z"));

        send(request(ACCOUNT, Lane.DEEP_THOUGHT, 0, 0, "2026-10-04T00:00:00Z"));
        assertThat(priced()).hasSize(4);
        assertThat(overage()).as("a $0 request changes nothing").isEmpty();

        spend(ACCOUNT, "2.5", "2026-10-05T00:00:00Z");
        List<OverageUpdate> second = overage();
        assertThat(second).hasSize(1);
        assertUpdate(second.get(0), "13.5", "10", "3.5", "2.5");
    }

    @Test
    void noOverageUpdateWhileUsageIsUnderOrExactlyAtCredit() {
        publishPlan(plan(ACCOUNT, "Team", "10", "20", null, LONG_AGO));
        spend(ACCOUNT, "9.999999", "2026-10-01T00:00:00Z");
        spend(ACCOUNT, "0.000001", "2026-10-02T00:00:00Z");
        assertThat(priced()).hasSize(2);
        assertThat(overage()).isEmpty();
        spend(ACCOUNT, "0.000001", "2026-10-03T00:00:00Z");
        List<OverageUpdate> updates = overage();
        assertThat(updates).hasSize(1);
        assertUpdate(updates.get(0), "10.000001", "10", "0.000001", "0.000001");
        assertThat(updates.get(0).getSpendCeilingUsd()).isEqualByComparingTo("20");
    }

    @Test
    void overageStopsChangingAtTheCeiling() {
        publishPlan(plan(ACCOUNT, "Team", "10", "20", null, LONG_AGO));
        spend(ACCOUNT, "15", "2026-10-01T00:00:00Z");
        spend(ACCOUNT, "10", "2026-10-02T00:00:00Z");
        spend(ACCOUNT, "10", "2026-10-03T00:00:00Z");
        List<OverageUpdate> updates = overage();
        assertThat(updates).hasSize(2);
        assertUpdate(updates.get(0), "15", "10", "5", "5");
        assertUpdate(updates.get(1), "25", "10", "10", "5");
    }

    @Test
    void freePlanNeverBillsOverageAndFiresCreditAndCeilingAlerts() {
        publishPlan(plan(ACCOUNT, "Free", "5", "5", null, LONG_AGO));
        spend(ACCOUNT, "2.5", "2026-10-01T00:00:00Z");
        assertThat(alertNames()).containsExactly("CREDIT_50");
        spend(ACCOUNT, "1.5", "2026-10-02T00:00:00Z");
        assertThat(alertNames()).containsExactly("CREDIT_80");
        spend(ACCOUNT, "0.5", "2026-10-03T00:00:00Z");
        assertThat(alertNames()).containsExactly("CEILING_90");
        spend(ACCOUNT, "0.5", "2026-10-04T00:00:00Z");
        assertThat(alertNames()).containsExactly("CREDIT_100", "CEILING_100");
        spend(ACCOUNT, "3", "2026-10-05T00:00:00Z");
        assertThat(alertNames()).isEmpty();
        assertThat(overage()).isEmpty();

        spend(ACCOUNT, "0.01", "2026-11-02T00:00:00Z"); // closes October
        List<InvoiceLine> october = invoiceLines();
        assertThat(october).extracting(InvoiceLine::getLineType)
                .containsExactly("USAGE", "INCLUDED_CREDIT", "CEILING_ADJUSTMENT", "TOTAL");
        assertThat(october.get(0).getAmountUsd()).isEqualByComparingTo("8");
        assertThat(october.get(1).getAmountUsd()).isEqualByComparingTo("-5");
        assertThat(october.get(2).getAmountUsd()).isEqualByComparingTo("-3");
        assertThat(october.get(3).getAmountUsd()).isEqualByComparingTo("0");
        assertThat(october.get(3).getAmountDueUsd()).isEqualByComparingTo("0");
        assertThat(overage()).isEmpty();
    }

    @Test
    void freePlanRequestJumpingPastEveryThresholdFiresAllLowestThresholdFirst() {
        publishPlan(plan(ACCOUNT, "Free", "5", "5", null, LONG_AGO));
        RoutedRequest request = spend(ACCOUNT, "7", "2026-10-01T00:00:00Z");
        List<SpendAlert> alerts = alerts();
        // docs/billing-rules.md rule 9: one request crossing several thresholds fires each, lowest threshold first.
        assertThat(alerts).extracting(SpendAlert::getAlert)
                .containsExactly("CREDIT_50", "CREDIT_80", "CEILING_90", "CREDIT_100", "CEILING_100");
        assertThat(alerts).extracting(SpendAlert::getThresholdUsd).map(BigDecimal::stripTrailingZeros)
                .containsExactly(new BigDecimal("2.5"), new BigDecimal("4"), new BigDecimal("4.5"),
                        new BigDecimal("5"), new BigDecimal("5"));
        assertThat(alerts).allSatisfy(alert -> {
            assertThat(alert.getUsageUsd()).isEqualByComparingTo("7");
            assertThat(alert.getRequestId()).isEqualTo(request.getRequestId());
            assertThat(alert.getBillingMonth()).isEqualTo("2026-10");
        });
        assertThat(overage()).isEmpty();
    }

    @Test
    void alertsFireOncePerAccountMonthAsUsageReachesEachThreshold() {
        publishPlan(plan(ACCOUNT, "Team", "10", "20", null, LONG_AGO));
        String[] steps = {"4.999999", "0.000001", "1", "2", "1", "1", "7", "0.999999", "0.000001", "5", "5"};
        // Rule 12: on Oct 8 (7 of 31 days passed, 22.6 % >= 20 %) the forecast 17.999999 x 31 / 7 = 79.71 reaches the
        // $20 ceiling: FORECAST_CEILING, once; on Oct 7 (19.4 %) there is no forecast yet.
        String[] expected = {null, "CREDIT_50", null, "CREDIT_80", null, "CREDIT_100", null, "FORECAST_CEILING", "CEILING_90",
                "CEILING_100", null};
        String[] thresholds = {null, "5", null, "8", null, "10", null, "20", "18", "20", null};
        String[] usages = {null, "5", null, "8", null, "10", null, "17.999999", "18", "23", null};
        for (int i = 0; i < steps.length; i++) {
            RoutedRequest request = spend(ACCOUNT, steps[i], "2026-10-" + String.format("%02d", i + 1) + "T00:00:00Z");
            List<SpendAlert> alerts = alerts();
            if (expected[i] == null) {
                assertThat(alerts).as("step %d", i).isEmpty();
            } else {
                assertThat(alerts).as("step %d", i).singleElement().satisfies(alert -> {
                    assertThat(alert.getAccountId()).isEqualTo(ACCOUNT);
                    assertThat(alert.getBillingMonth()).isEqualTo("2026-10");
                    assertThat(alert.getRequestId()).isEqualTo(request.getRequestId());
                    assertThat(alert.getAt()).isEqualTo(request.getCompletedAt());
                });
                assertThat(alerts.get(0).getAlert()).as("step %d", i).isEqualTo(expected[i]);
                assertThat(alerts.get(0).getThresholdUsd()).isEqualByComparingTo(thresholds[i]);
                assertThat(alerts.get(0).getUsageUsd()).isEqualByComparingTo(usages[i]);
            }
        }
    }

    @Test
    void noCreditAlertsWhenCreditIsZero() {
        publishPlan(plan(ACCOUNT, "Capped", "0", "10", null, LONG_AGO));
        spend(ACCOUNT, "8.9", "2026-10-01T00:00:00Z");
        assertThat(alerts()).isEmpty();
        spend(ACCOUNT, "0.1", "2026-10-02T00:00:00Z");
        assertThat(alertNames()).containsExactly("CEILING_90");
        spend(ACCOUNT, "5", "2026-10-03T00:00:00Z");
        assertThat(alertNames()).containsExactly("CEILING_100");
        List<OverageUpdate> updates = overage();
        assertThat(updates).hasSize(3);
        assertUpdate(updates.get(2), "14", "0", "10", "1");
    }

    @Test
    void requestCrossingSeveralThresholdsFiresEach() {
        publishPlan(plan(ACCOUNT, "Team", "10", "20", null, LONG_AGO));
        RoutedRequest request = spend(ACCOUNT, "19", "2026-10-01T00:00:00Z");
        List<SpendAlert> alerts = alerts();
        assertThat(alerts).extracting(SpendAlert::getAlert)
                .containsExactly("CREDIT_50", "CREDIT_80", "CREDIT_100", "CEILING_90");
        assertThat(alerts).allSatisfy(alert -> {
            assertThat(alert.getUsageUsd()).isEqualByComparingTo("19");
            assertThat(alert.getRequestId()).isEqualTo(request.getRequestId());
        });
        spend(ACCOUNT, "1", "2026-10-02T00:00:00Z");
        assertThat(alertNames()).containsExactly("CEILING_100");
        spend(ACCOUNT, "1", "2026-10-03T00:00:00Z");
        assertThat(alerts()).isEmpty();
    }

    @Test
    void newMonthResetsAlertsAndOverage() {
        publishPlan(plan(ACCOUNT, "Team", "10", null, null, LONG_AGO));
        spend(ACCOUNT, "12", "2026-10-20T00:00:00Z");
        assertThat(alerts()).extracting(SpendAlert::getBillingMonth).containsOnly("2026-10").hasSize(3);
        assertThat(overage()).singleElement().satisfies(u -> assertUpdate(u, "12", "10", "2", "2"));

        spend(ACCOUNT, "6", "2026-11-01T00:00:00Z");
        List<SpendAlert> november = alerts();
        assertThat(november).extracting(SpendAlert::getAlert).containsExactly("CREDIT_50");
        assertThat(november.get(0).getBillingMonth()).isEqualTo("2026-11");
        assertThat(november.get(0).getUsageUsd()).isEqualByComparingTo("6");
        assertThat(overage()).isEmpty();
        spend(ACCOUNT, "5", "2026-11-02T00:00:00Z");
        assertThat(alertNames()).containsExactly("CREDIT_80", "CREDIT_100");
        List<OverageUpdate> updates = overage();
        assertThat(updates).singleElement().satisfies(u -> {
            assertThat(u.getBillingMonth()).isEqualTo("2026-11");
            assertUpdate(u, "11", "10", "1", "1");
        });
    }

    @Test
    void planUpgradeMidMonthRaisesCreditForTheWholeMonthWithNegativeDeltaWhenThePlanChangeArrives() {
        publishPlan(plan(ACCOUNT, "Starter", "5", null, null, LONG_AGO));
        spend(ACCOUNT, "8", "2026-10-05T00:00:00Z");
        assertThat(overage()).singleElement().satisfies(u -> assertUpdate(u, "8", "5", "3", "3"));

        // Rule 6: the upgrade counts for the whole month, applied as soon as the plan change reaches the meter, the
        // update's as_of being the status's: the billing clock, Oct 5 (rule 12).
        publishPlan(plan(ACCOUNT, "Team", "20", null, null, "2026-10-20T00:00:00Z"));
        assertThat(overage()).singleElement().satisfies(u -> {
            assertUpdate(u, "8", "20", "0", "-3");
            assertThat(u.getAsOf()).isEqualTo(Instant.parse("2026-10-05T00:00:00Z"));
        });
        // Completed before the upgrade took effect, yet the upgrade covers the whole month: still no overage.
        spend(ACCOUNT, "1", "2026-10-10T00:00:00Z");
        assertThat(overage()).isEmpty();
        spend(ACCOUNT, "12", "2026-10-25T00:00:00Z");
        assertThat(overage()).singleElement().satisfies(u -> assertUpdate(u, "21", "20", "1", "1"));

        spend(ACCOUNT, "0.01", "2026-11-02T00:00:00Z"); // closes October
        List<InvoiceLine> october = invoiceLines();
        assertThat(october).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "INCLUDED_CREDIT", "TOTAL");
        assertThat(october.get(1).getAmountUsd()).isEqualByComparingTo("-20");
        assertThat(october.get(2).getAmountDueUsd()).isEqualByComparingTo("1.00");
    }

    @Test
    void planUpgradeMidMonthWithNoFurtherRequestGivesNegativeDeltaAtOnceAndNothingMoreAtClose() {
        publishPlan(plan(ACCOUNT, "Starter", "5", null, null, LONG_AGO));
        spend(ACCOUNT, "8", "2026-10-05T00:00:00Z");
        assertThat(overage()).singleElement().satisfies(u -> assertUpdate(u, "8", "5", "3", "3"));
        publishPlan(plan(ACCOUNT, "Team", "20", null, null, "2026-10-20T00:00:00Z"));
        assertThat(alerts()).extracting(SpendAlert::getAlert).containsExactly("CREDIT_50", "CREDIT_80", "CREDIT_100");
        // Rule 6: applied when the plan change reaches the meter, as of the billing clock (rule 12).
        assertThat(overage()).singleElement().satisfies(u -> {
            assertThat(u.getBillingMonth()).isEqualTo("2026-10");
            assertUpdate(u, "8", "20", "0", "-3");
            assertThat(u.getAsOf()).isEqualTo(Instant.parse("2026-10-05T00:00:00Z"));
        });

        spend(ACCOUNT, "0.01", "2026-11-02T00:00:00Z"); // closes October
        List<OverageUpdate> updates = overage();
        assertThat(updates).as("the close finds the terms already applied").isEmpty();
        List<InvoiceLine> october = invoiceLines();
        assertThat(october).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "INCLUDED_CREDIT", "TOTAL");
        assertThat(october.get(1).getAmountUsd()).isEqualByComparingTo("-8");
        assertThat(october.get(2).getAmountDueUsd()).isEqualByComparingTo("0");
    }

    @Test
    void planDowngradeMidMonthAppliesFromTheNextMonth() {
        publishPlan(plan(ACCOUNT, "Team", "20", null, null, LONG_AGO));
        publishPlan(plan(ACCOUNT, "Starter", "5", null, null, "2026-10-15T00:00:00Z"));
        spend(ACCOUNT, "8", "2026-10-20T00:00:00Z");
        assertThat(overage()).as("October keeps the larger credit").isEmpty();
        spend(ACCOUNT, "8", "2026-11-03T00:00:00Z");
        List<OverageUpdate> updates = overage();
        assertThat(updates).singleElement().satisfies(u -> {
            assertThat(u.getBillingMonth()).isEqualTo("2026-11");
            assertUpdate(u, "8", "5", "3", "3");
        });
        // October's invoice (closed by the November request) uses the larger credit.
        List<InvoiceLine> october = invoiceLines();
        assertThat(october).extracting(InvoiceLine::getBillingMonth).containsOnly("2026-10");
        assertThat(october).filteredOn(l -> l.getLineType().equals("INCLUDED_CREDIT")).singleElement()
                .satisfies(l -> assertThat(l.getAmountUsd()).isEqualByComparingTo("-8"));
    }

    @Test
    void accountWithNoPlanIsPayAsYouGo() {
        spend(ACCOUNT, "2", "2026-10-01T00:00:00Z");
        spend(ACCOUNT, "0.005", "2026-10-02T00:00:00Z");
        List<OverageUpdate> updates = overage();
        assertThat(updates).hasSize(2);
        assertUpdate(updates.get(0), "2", "0", "2", "2");
        assertUpdate(updates.get(1), "2.005", "0", "2.005", "0.005");
        assertThat(updates).allSatisfy(u -> assertThat(u.getSpendCeilingUsd()).isNull());
        spend(ACCOUNT, "20", "2026-10-03T00:00:00Z");
        assertThat(alerts()).isEmpty();

        spend(ACCOUNT, "0.01", "2026-11-02T00:00:00Z"); // closes October
        List<InvoiceLine> october = invoiceLines();
        assertThat(october).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "TOTAL");
        assertThat(october.get(1).getAmountUsd()).isEqualByComparingTo("22.005");
        assertThat(october.get(1).getAmountDueUsd()).isEqualByComparingTo("22.01");
    }

    @Test
    void planStartingNextMonthLeavesThisMonthPayAsYouGo() {
        publishPlan(plan(ACCOUNT, "Team", "10", "20", null, "2026-11-01T00:00:00Z"));
        spend(ACCOUNT, "3", "2026-10-31T23:59:59.999Z");
        assertThat(overage()).singleElement().satisfies(u -> assertUpdate(u, "3", "0", "3", "3"));
        assertThat(alerts()).isEmpty();
        spend(ACCOUNT, "3", "2026-11-01T00:00:00Z");
        assertThat(overage()).isEmpty();
        assertThat(alertNames()).isEmpty();
    }
}
