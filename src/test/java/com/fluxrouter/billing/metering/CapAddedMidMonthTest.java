package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rules 6 and 12 together, issue 13's cases: a cap added mid-month controls routing from the moment it is in force
 * (control ceiling), while the month is billed with no ceiling, because the part of the month before the cap (a
 * pay-as-you-go version, or no version at all) counts as pay as you go. Both accounts of the issue get the same
 * outcome: capped at once, billed every dollar served.
 */
class CapAddedMidMonthTest extends PipelineTest {
    private static final Instant CAP_ADDED = Instant.parse("2026-10-15T00:00:00Z");

    private List<InvoiceLine> octoberLinesOf(List<InvoiceLine> lines, String account) {
        return lines.stream().filter(line -> line.getAccountId().equals(account) && line.getBillingMonth().equals("2026-10"))
                .toList();
    }

    @Test
    void theTwoAccountsOfTheIssueAreBothCappedAtOnceAndBothBilledTheirThreeDollars() {
        publishPlan(plan("with-record", "Pay as you go", "0", null, null, "2026-01-01T00:00:00Z"), Instant.parse("2026-10-01T00:00:00Z"));
        spend("with-record", "3.00", "2026-10-10T00:00:00Z");
        spend("no-record", "3.00", "2026-10-10T00:00:01Z");
        statuses();
        alerts();
        overage();

        publishPlan(plan("with-record", "Capped", "0", "1", null, CAP_ADDED.toString()), CAP_ADDED);
        publishPlan(plan("no-record", "Capped", "0", "1", null, CAP_ADDED.toString()), CAP_ADDED);

        List<SpendStatus> statuses = statuses();
        assertThat(statuses).extracting(SpendStatus::getAccountId).containsExactly("with-record", "no-record");
        assertThat(statuses).allSatisfy(status -> {
            assertThat(status.getStatus()).isEqualTo("CAPPED");
            assertThat(status.getReason()).isEqualTo("PLAN_CHANGE");
            assertThat(status.getAsOf()).isEqualTo(CAP_ADDED);
            assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("1");
            assertThat(status.getUsageUsd()).isEqualByComparingTo("3");
            assertThat(status.getRemainingUsd()).isEqualByComparingTo("0");
        });
        // FORECAST_CEILING is a request's alert (rule 12 E): a capped account sends none, so it gets none
        assertThat(alerts()).extracting(alert -> alert.getAccountId() + " " + alert.getAlert()).containsExactly(
                "with-record CEILING_90", "with-record CEILING_100", "no-record CEILING_90", "no-record CEILING_100");
        assertThat(overage()).as("the billing terms of October do not change: no ceiling, no credit").isEmpty();

        spend("closer", "0.01", "2026-11-02T00:00:00Z");
        List<InvoiceLine> lines = invoiceLines();
        for (String account : List.of("with-record", "no-record")) {
            assertThat(octoberLinesOf(lines, account)).as(account).extracting(InvoiceLine::getLineType)
                    .containsExactly("USAGE", "TOTAL");
            assertThat(octoberLinesOf(lines, account).get(1).getAmountDueUsd()).as(account).isEqualByComparingTo("3.00");
        }
    }

    @Test
    void aFiftyDollarCeilingAddedOnThe15thAfterThirtyDollarsControlsFromThe15thAndTheMonthIsBilledWithoutCeiling() {
        publishPlan(plan("payg", "Pay as you go", "0", null, null, "2026-01-01T00:00:00Z"), Instant.parse("2026-10-01T00:00:00Z"));
        spendDeep("payg", "30", "2026-10-14T12:00:00Z");
        statuses();
        alerts();

        publishPlan(plan("payg", "Capped", "0", "50", null, CAP_ADDED.toString()), CAP_ADDED);
        assertThat(statuses("payg")).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("ACTIVE");
            assertThat(status.getReason()).isEqualTo("PLAN_CHANGE");
            assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("50");
            assertThat(status.getRemainingUsd()).isEqualByComparingTo("20");
        });
        // 14 of 31 days: $30 projects to $66.43, past the new ceiling, but the forecast alert is a request's
        assertThat(alerts()).as("rule 12 E: no FORECAST_CEILING without a request").isEmpty();

        spend("payg", "15", "2026-10-16T00:00:00Z");
        // $45 x 31 / 15 = $93 >= $50
        assertThat(alerts()).satisfiesExactly(alert -> {
            assertThat(alert.getAlert()).isEqualTo("CEILING_90");
            assertThat(alert.getThresholdUsd()).isEqualByComparingTo("45");
        }, alert -> {
            assertThat(alert.getAlert()).isEqualTo("FORECAST_CEILING");
            assertThat(alert.getUsageUsd()).isEqualByComparingTo("45");
            assertThat(alert.getThresholdUsd()).isEqualByComparingTo("50");
        });
        assertThat(statuses("payg")).singleElement().satisfies(status -> assertThat(status.getStatus()).isEqualTo("ACTIVE"));

        spend("payg", "5", "2026-10-17T00:00:00Z");
        assertThat(alerts()).extracting(SpendAlert::getAlert).containsExactly("CEILING_100");
        assertThat(statuses("payg")).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("CAPPED");
            assertThat(status.getUsageUsd()).isEqualByComparingTo("50");
        });

        // Billed: no ceiling in October (its first half was pay as you go), so all $50 of usage; $50 from November
        spend("payg", "20", "2026-11-02T00:00:00Z");
        List<InvoiceLine> october = octoberLinesOf(invoiceLines(), "payg");
        assertThat(october).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "USAGE", "TOTAL");
        assertThat(october.get(2).getAmountDueUsd()).isEqualByComparingTo("50.00");
        assertThat(overage()).filteredOn(update -> update.getBillingMonth().equals("2026-11")).singleElement()
                .satisfies(update -> assertThat(update.getSpendCeilingUsd()).isEqualByComparingTo("50"));
    }

    @Test
    void aSignUpMidMonthWithNoUsageBeforeItIsNeverChargedAboveItsCeiling() {
        // A Free account (credit $0.05, ceiling $0.05) signs up on Oct 15 09:30 and spends $0.20 on Oct 20. Nothing was
        // served before its first version, so October is billed under it (rule 6); the same account on the Free plan
        // from Oct 1 owes the same. Rule 7 by hand: billable = min(0.20, 0.05), due = max(0, billable - 0.05).
        Instant signUp = Instant.parse("2026-10-15T09:30:00Z");
        publishPlan(plan("signed-up", "Free", "0.05", "0.05", null, signUp.toString()), signUp);
        publishPlan(plan("from-the-1st", "Free", "0.05", "0.05", null, "2026-10-01T00:00:00Z"), Instant.parse("2026-10-01T00:00:00Z"));
        spend("signed-up", "0.20", "2026-10-20T00:00:00Z");
        spend("from-the-1st", "0.20", "2026-10-20T00:00:01Z");
        spend("closer", "0.01", "2026-11-02T00:00:00Z");

        BigDecimal usage = new BigDecimal("0.20");
        BigDecimal billable = usage.min(new BigDecimal("0.05"));
        BigDecimal due = billable.subtract(new BigDecimal("0.05")).max(BigDecimal.ZERO);
        List<InvoiceLine> lines = invoiceLines();
        for (String account : List.of("signed-up", "from-the-1st")) {
            List<InvoiceLine> october = octoberLinesOf(lines, account);
            assertThat(october).as(account).last().satisfies(total -> {
                assertThat(total.getLineType()).isEqualTo("TOTAL");
                assertThat(total.getAmountDueUsd()).isEqualByComparingTo(due).isEqualByComparingTo("0");
            });
        }
        assertThat(overage()).filteredOn(update -> update.getAccountId().equals("signed-up")).isEmpty();
    }

    @Test
    void usageServedBeforeASignUpVersionInTheSameMonthIsBilledPayAsYouGo() {
        // The other side of rule 6's correction: $0.20 served on Oct 10 with no version, then a Free version from the
        // 15th. The usage before it was served pay as you go, so October has no ceiling: all $0.20 is due, less the
        // month's largest credit ($0.05).
        spend("early", "0.20", "2026-10-10T00:00:00Z");
        Instant signUp = Instant.parse("2026-10-15T09:30:00Z");
        publishPlan(plan("early", "Free", "0.05", "0.05", null, signUp.toString()), signUp);
        spend("closer", "0.01", "2026-11-02T00:00:00Z");

        BigDecimal due = new BigDecimal("0.20").subtract(new BigDecimal("0.05"));
        assertThat(octoberLinesOf(invoiceLines(), "early")).last().satisfies(total ->
                assertThat(total.getAmountDueUsd()).isEqualByComparingTo(due).isEqualByComparingTo("0.15"));
    }
}
