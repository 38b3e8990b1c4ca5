package com.fluxrouter.billing.invoicing;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static com.fluxrouter.billing.invoicing.InvoiceLines.ofType;
import static com.fluxrouter.billing.invoicing.InvoiceLines.total;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rules 10 and 11 end to end: months close once by the billing clock; late requests gather into supplemental sets,
 * each emitted when the billing clock has moved the supplemental window (PT1H) past its first late request.
 */
class InvoiceBehaviourTest extends PipelineTest {
    private static final String ACCOUNT = "acct-1";
    private static final String LONG_AGO = "2020-01-01T00:00:00Z";

    /**
     * Rule 11: another account's request (so none of the tested account's months change) moves the partition's
     * billing clock to the instant; at least one window past a late request, its pending set is emitted.
     */
    private void billingClockReaches(String instant) {
        spend("acct-clock", "0.01", instant);
    }

    private static BigDecimal sumDue(List<InvoiceLine> lines) {
        return ofType(lines, InvoiceBuilder.TOTAL).stream().map(InvoiceLine::getAmountDueUsd)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Test
    void monthClosesOnlyWhenALaterRequestPushesTheClockToMonthEndPlusGrace() {
        spend(ACCOUNT, "1", "2026-10-31T23:59:59.999Z");
        spend(ACCOUNT, "1", "2026-11-01T00:00:00Z");
        assertThat(invoiceLines()).as("not at month end").isEmpty();
        spend(ACCOUNT, "1", "2026-11-01T23:59:59.999Z");
        assertThat(invoiceLines()).as("not one millisecond before end + 24 h").isEmpty();

        // A far-future request is rejected and must not move the billing clock.
        RoutedRequest future = request(ACCOUNT, Lane.EXPRESS, 1_000, 0, "2027-06-01T00:00:00Z").build();
        sendKeyed(ACCOUNT, future, Instant.parse("2026-11-01T23:59:59.999Z"));
        List<RejectedRecord> rejected = rejected();
        assertThat(rejected).singleElement().satisfies(r -> assertThat(r.getReason()).isEqualTo("FUTURE_TIMESTAMP"));
        assertThat(invoiceLines()).as("not from a rejected far-future request").isEmpty();

        spend(ACCOUNT, "1", "2026-11-02T00:00:00Z");
        List<InvoiceLine> lines = invoiceLines();
        assertThat(lines).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "TOTAL");
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.getBillingMonth()).isEqualTo("2026-10");
            assertThat(line.getSupplemental()).isFalse();
            assertThat(line.getInvoiceSet()).isZero();
        });
        assertThat(lines.get(0).getRequests()).isEqualTo(1);
        assertThat(total(lines).getAmountDueUsd()).isEqualByComparingTo("1.00");
    }

    @Test
    void invoiceHasOneUsageLinePerLaneInLaneOrderCreditAndCeilingAdjustmentsAndTotal() {
        publishPlan(plan(ACCOUNT, "Team", "10", "30", null, LONG_AGO));
        send(request(ACCOUNT, Lane.DEEP_THOUGHT, 5_000_000, 1_500_000, "2026-10-01T00:00:00Z"));   // $26
        send(request(ACCOUNT, Lane.EXPRESS, 2_000_000, 1_000_000, "2026-10-02T00:00:00Z"));        // $3
        send(request(ACCOUNT, Lane.DAILY_DRIVER, 2_000_000, 3_000_000, "2026-10-03T00:00:00Z"));   // $10
        send(request(ACCOUNT, Lane.EXPRESS, 1_000_000, 0, "2026-10-04T00:00:00Z"));                // $1
        send(request(ACCOUNT, Lane.EXPRESS, 1_000, 0, "2026-11-02T00:00:00Z"));
        List<InvoiceLine> lines = invoiceLines();

        assertThat(lines).extracting(InvoiceLine::getLineType)
                .containsExactly("USAGE", "USAGE", "USAGE", "INCLUDED_CREDIT", "CEILING_ADJUSTMENT", "TOTAL");
        assertThat(lines).extracting(InvoiceLine::getLane)
                .containsExactly("EXPRESS", "DAILY_DRIVER", "DEEP_THOUGHT", null, null, null);
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.getAccountId()).isEqualTo(ACCOUNT);
            assertThat(line.getBillingMonth()).isEqualTo("2026-10");
            assertThat(line.getSupplemental()).isFalse();
            assertThat(line.getInvoiceSet()).isZero();
        });
        assertThat(lines).extracting(InvoiceLine::getRequests).containsExactly(2L, 1L, 1L, 0L, 0L, 4L);
        assertThat(lines).extracting(InvoiceLine::getInputTokens)
                .containsExactly(3_000_000L, 2_000_000L, 5_000_000L, 0L, 0L, 10_000_000L);
        assertThat(lines).extracting(InvoiceLine::getOutputTokens)
                .containsExactly(1_000_000L, 3_000_000L, 1_500_000L, 0L, 0L, 5_500_000L);
        assertThat(lines.get(0).getAmountUsd()).isEqualByComparingTo("4");
        assertThat(lines.get(1).getAmountUsd()).isEqualByComparingTo("10");
        assertThat(lines.get(2).getAmountUsd()).isEqualByComparingTo("26");
        assertThat(lines.get(3).getAmountUsd()).isEqualByComparingTo("-10");
        assertThat(lines.get(4).getAmountUsd()).isEqualByComparingTo("-10");
        assertThat(lines.get(5).getAmountUsd()).isEqualByComparingTo("20");
        assertThat(lines.get(5).getAmountDueUsd()).isEqualByComparingTo("20.00");
        assertThat(lines.subList(0, 5)).allSatisfy(line -> assertThat(line.getAmountDueUsd()).isNull());
    }

    private static String describe(InvoiceLine line) {
        return line.getAccountId() + " " + line.getBillingMonth() + " set" + line.getInvoiceSet() + " "
                + line.getLineType() + " " + line.getLane() + " " + line.getRequests() + " "
                + line.getAmountUsd().stripTrailingZeros().toPlainString()
                + (line.getAmountDueUsd() == null ? "" : " due " + line.getAmountDueUsd().stripTrailingZeros().toPlainString());
    }

    @Test
    void invoiceIsEmittedExactlyOnce() {
        publishPlan(plan(ACCOUNT, "Team", "10", null, null, LONG_AGO));
        spend(ACCOUNT, "12", "2026-10-10T00:00:00Z");
        spend(ACCOUNT, "1", "2026-11-02T00:00:00Z");
        // one original set: $12 of Express, $10 of credit, $2 due (rule 7 by hand)
        assertThat(invoiceLines()).extracting(InvoiceBehaviourTest::describe).containsExactly(
                "acct-1 2026-10 set0 USAGE EXPRESS 1 12", "acct-1 2026-10 set0 INCLUDED_CREDIT null 0 -10",
                "acct-1 2026-10 set0 TOTAL null 1 2 due 2");
        spend(ACCOUNT, "1", "2026-11-03T00:00:00Z");
        spend(ACCOUNT, "1", "2026-11-20T00:00:00Z");
        spend("other-account", "1", "2026-11-21T00:00:00Z");
        advanceWallClock(Duration.ofMinutes(30));
        assertThat(invoiceLines()).isEmpty();
        spend(ACCOUNT, "1", "2026-12-02T00:00:00Z");
        List<InvoiceLine> november = invoiceLines();
        assertThat(november).filteredOn(l -> l.getAccountId().equals(ACCOUNT)).extracting(InvoiceBehaviourTest::describe)
                .containsExactly("acct-1 2026-11 set0 USAGE EXPRESS 3 3", "acct-1 2026-11 set0 INCLUDED_CREDIT null 0 -3",
                        "acct-1 2026-11 set0 TOTAL null 3 0 due 0");
        assertThat(november).filteredOn(l -> !l.getAccountId().equals(ACCOUNT)).extracting(InvoiceBehaviourTest::describe)
                .containsExactly("other-account 2026-11 set0 USAGE EXPRESS 1 1", "other-account 2026-11 set0 TOTAL null 1 1 due 1");
    }

    @Test
    void totalAmountDueRoundsHalfUpToCents() {
        publishPlan(plan("credit-10", "Team", "10", null, null, LONG_AGO));
        send(request("credit-10", Lane.EXPRESS, 10_000_000, 2_345_000, "2026-10-10T00:00:00Z")); // 12.345: overage 2.345
        send(request("payg-half", Lane.EXPRESS, 125_000, 0, "2026-10-10T00:00:00Z"));            // 0.125
        send(request("payg-below", Lane.EXPRESS, 2_344_999, 0, "2026-10-10T00:00:00Z"));         // 2.344999
        send(request("payg-cent", Lane.DEEP_THOUGHT, 1_250, 0, "2026-10-10T00:00:00Z"));          // 0.005
        for (String account : List.of("credit-10", "payg-half", "payg-below", "payg-cent")) {
            spend(account, "0.01", "2026-11-02T00:00:00Z");
        }
        List<InvoiceLine> lines = invoiceLines();
        assertTotal(lines, "credit-10", "2.345", "2.35");
        assertTotal(lines, "payg-half", "0.125", "0.13");
        assertTotal(lines, "payg-below", "2.344999", "2.34");
        assertTotal(lines, "payg-cent", "0.005", "0.01");
    }

    private static void assertTotal(List<InvoiceLine> lines, String account, String exact, String due) {
        List<InvoiceLine> totals = lines.stream()
                .filter(line -> line.getAccountId().equals(account) && line.getLineType().equals("TOTAL")).toList();
        assertThat(totals).as(account).singleElement().satisfies(total -> {
            assertThat(total.getAmountUsd()).as(account).isEqualByComparingTo(exact);
            assertThat(total.getAmountDueUsd()).as(account).isEqualByComparingTo(due);
        });
    }

    @Test
    void quietPartitionClosesItsMonthsByWallClock() {
        // The driver's wall clock starts at 2026-11-27, long after October's end + grace.
        spend(ACCOUNT, "1.5", "2026-10-15T00:00:00Z");
        spend(ACCOUNT, "1", "2026-11-01T12:00:00Z"); // before October's end + grace: closes nothing
        advanceWallClock(Duration.ofMinutes(4));
        assertThat(invoiceLines()).as("not idle for 5 minutes yet").isEmpty();
        advanceWallClock(Duration.ofMinutes(2));
        List<InvoiceLine> lines = invoiceLines();
        assertThat(lines).extracting(InvoiceLine::getBillingMonth).containsOnly("2026-10");
        assertThat(total(lines).getAmountDueUsd()).isEqualByComparingTo("1.50");
        assertThat(lines).allSatisfy(line -> assertThat(line.getSupplemental()).isFalse());
        // November ends after the wall clock: it stays open.
        advanceWallClock(Duration.ofHours(1));
        assertThat(invoiceLines()).isEmpty();
    }

    @Test
    void aRequestKeepsThePartitionBusySoTheWallClockDoesNotCloseMonths() {
        spend(ACCOUNT, "1", "2026-10-15T00:00:00Z");
        advanceWallClock(Duration.ofMinutes(4));
        spend(ACCOUNT, "1", "2026-10-16T00:00:00Z");
        advanceWallClock(Duration.ofMinutes(4));
        assertThat(invoiceLines()).as("last request only 4 minutes ago").isEmpty();
        advanceWallClock(Duration.ofMinutes(1));
        assertThat(total(invoiceLines()).getAmountDueUsd()).isEqualByComparingTo("2.00");
    }

    @Test
    void duplicatesDoNotKeepAQuietPartitionFromClosingByWallClock() {
        RoutedRequest request = spend(ACCOUNT, "1", "2026-10-15T00:00:00Z");
        for (int i = 0; i < 3; i++) {
            advanceWallClock(Duration.ofMinutes(2));
            send(request); // a retrying router: dropped as a duplicate, the billing clock does not move
        }
        assertThat(priced()).hasSize(1);
        assertThat(total(invoiceLines()).getAmountDueUsd()).as("no clock move for 6 minutes: idle").isEqualByComparingTo("1.00");
    }

    @Test
    void aMonthKeepsItsZoneWhenThePlanZoneChangesMidMonthAndIsInvoicedOnce() {
        publishPlan(plan(ACCOUNT, "Team", "0", null, "Pacific/Kiritimati", LONG_AGO));
        publishPlan(plan(ACCOUNT, "Team", "0", null, "Etc/GMT+12", "2026-10-15T00:00:00Z"));
        spend(ACCOUNT, "1", "2026-10-10T00:00:00Z");
        // Still October in UTC-12, but past October's end + grace in UTC+14, where the month was opened.
        spend(ACCOUNT, "2", "2026-11-01T10:30:00Z");
        billingClockReaches("2026-11-01T11:30:00Z");
        List<InvoiceLine> lines = invoiceLines();
        assertThat(ofType(lines, InvoiceBuilder.TOTAL)).as("one original set and one supplemental")
                .extracting(InvoiceLine::getInvoiceSet).containsExactly(0, 1);
        assertThat(sumDue(lines)).isEqualByComparingTo("3.00");
    }

    @Test
    void lateRequestAfterCloseProducesSupplementalSets() {
        publishPlan(plan(ACCOUNT, "Team", "10", null, null, LONG_AGO));
        send(request(ACCOUNT, Lane.EXPRESS, 10_000_000, 2_345_000, "2026-10-10T00:00:00Z")); // 12.345
        spend(ACCOUNT, "0.01", "2026-11-02T00:00:00Z");
        List<InvoiceLine> original = invoiceLines();
        assertThat(original).allSatisfy(line -> assertThat(line.getSupplemental()).isFalse());
        assertThat(total(original).getAmountUsd()).isEqualByComparingTo("2.345");
        assertThat(total(original).getAmountDueUsd()).isEqualByComparingTo("2.35");
        overage();
        priced();

        // +0.006: overage 2.351 still rounds to 2.35, so the change in the amount due is 0.00 (not round(0.006)).
        RoutedRequest late = spend(ACCOUNT, "0.006", "2026-10-31T12:00:00Z");
        assertThat(priced()).extracting(PricedRequest::getRequestId, PricedRequest::getBillingMonth)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(late.getRequestId(), "2026-10"));
        assertThat(overage()).as("the late request's overage update, at once").singleElement().satisfies(update -> {
            assertThat(update.getBillingMonth()).isEqualTo("2026-10");
            assertThat(update.getOverageUsd()).isEqualByComparingTo("2.351");
            assertThat(update.getOverageDeltaUsd()).isEqualByComparingTo("0.006");
        });
        assertThat(invoiceLines()).as("pending for the window").isEmpty();
        billingClockReaches("2026-11-02T00:59:59.999Z");
        assertThat(invoiceLines()).as("one millisecond before the window has passed").isEmpty();
        billingClockReaches("2026-11-02T01:00:00Z");
        List<InvoiceLine> first = invoiceLines();
        assertThat(first).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "TOTAL");
        assertThat(first).allSatisfy(line -> {
            assertThat(line.getBillingMonth()).isEqualTo("2026-10");
            assertThat(line.getSupplemental()).isTrue();
            assertThat(line.getInvoiceSet()).isEqualTo(1);
        });
        assertThat(first.get(0).getLane()).isEqualTo("EXPRESS");
        assertThat(first.get(0).getRequests()).isEqualTo(1);
        assertThat(first.get(0).getInputTokens()).isEqualTo(6_000);
        assertThat(first.get(0).getAmountUsd()).isEqualByComparingTo("0.006");
        assertThat(total(first).getRequests()).isEqualTo(1);
        assertThat(total(first).getAmountUsd()).isEqualByComparingTo("0.006");
        assertThat(total(first).getAmountDueUsd()).isEqualByComparingTo("0.00");

        // A second late request, in another lane: only that lane's line changes. 2.851 rounds to 2.85.
        send(request(ACCOUNT, Lane.DEEP_THOUGHT, 125_000, 0, "2026-10-30T00:00:00Z"));    // 0.5
        billingClockReaches("2026-11-02T02:00:00Z");
        List<InvoiceLine> second = invoiceLines();
        assertThat(second).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "TOTAL");
        assertThat(second).allSatisfy(line -> {
            assertThat(line.getSupplemental()).isTrue();
            assertThat(line.getInvoiceSet()).isEqualTo(2);
        });
        assertThat(second.get(0).getLane()).isEqualTo("DEEP_THOUGHT");
        assertThat(second.get(0).getAmountUsd()).isEqualByComparingTo("0.5");
        assertThat(total(second).getAmountDueUsd()).isEqualByComparingTo("0.50");

        // +0.004: overage 2.855 rounds half-up to 2.86, one cent more than 2.85 (though round(0.004) is 0).
        spend(ACCOUNT, "0.004", "2026-10-29T00:00:00Z");
        billingClockReaches("2026-11-02T03:00:00Z");
        List<InvoiceLine> third = invoiceLines();
        assertThat(third).allSatisfy(line -> assertThat(line.getInvoiceSet()).isEqualTo(3));
        assertThat(total(third).getAmountUsd()).isEqualByComparingTo("0.004");
        assertThat(total(third).getAmountDueUsd()).isEqualByComparingTo("0.01");

        BigDecimal allDue = sumDue(original).add(sumDue(first)).add(sumDue(second)).add(sumDue(third));
        assertThat(allDue).isEqualByComparingTo(new BigDecimal("2.855").setScale(2, java.math.RoundingMode.HALF_UP));
        assertThat(allDue).isEqualByComparingTo("2.86");
    }

    @Test
    void duplicateOfAnInvoicedRequestAfterCloseChangesNothing() {
        RoutedRequest request = spend(ACCOUNT, "3", "2026-10-10T00:00:00Z");
        spend(ACCOUNT, "0.01", "2026-11-02T00:00:00Z");
        assertThat(invoiceLines()).isNotEmpty();
        priced();
        overage();
        send(request);
        assertThat(priced()).isEmpty();
        assertThat(overage()).isEmpty();
        assertThat(invoiceLines()).isEmpty();
        assertThat(rejected()).isEmpty();
    }

    @Test
    void lateRequestToAMonthClosedUnderCreditAdjustsIncludedCredit() {
        publishPlan(plan(ACCOUNT, "Team", "10", null, null, LONG_AGO));
        spend(ACCOUNT, "3", "2026-10-10T00:00:00Z");
        spend(ACCOUNT, "0.01", "2026-11-02T00:00:00Z");
        List<InvoiceLine> original = invoiceLines();
        assertThat(original).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "INCLUDED_CREDIT", "TOTAL");
        assertThat(original.get(1).getAmountUsd()).isEqualByComparingTo("-3");
        assertThat(total(original).getAmountDueUsd()).isEqualByComparingTo("0");

        spend(ACCOUNT, "2", "2026-10-20T00:00:00Z");
        billingClockReaches("2026-11-02T01:00:00Z");
        List<InvoiceLine> first = invoiceLines();
        assertThat(first).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "INCLUDED_CREDIT", "TOTAL");
        assertThat(first.get(0).getAmountUsd()).isEqualByComparingTo("2");
        assertThat(first.get(1).getAmountUsd()).isEqualByComparingTo("-2");
        assertThat(total(first).getAmountUsd()).isEqualByComparingTo("0");
        assertThat(total(first).getAmountDueUsd()).isEqualByComparingTo("0");
        assertThat(first).allSatisfy(line -> assertThat(line.getInvoiceSet()).isEqualTo(1));

        spend(ACCOUNT, "7.125", "2026-10-21T00:00:00Z");
        billingClockReaches("2026-11-02T02:00:00Z");
        List<InvoiceLine> second = invoiceLines();
        assertThat(second).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "INCLUDED_CREDIT", "TOTAL");
        assertThat(second.get(0).getAmountUsd()).isEqualByComparingTo("7.125");
        assertThat(second.get(1).getAmountUsd()).isEqualByComparingTo("-5");
        assertThat(total(second).getAmountUsd()).isEqualByComparingTo("2.125");
        assertThat(total(second).getAmountDueUsd()).isEqualByComparingTo("2.13");
        assertThat(second).allSatisfy(line -> assertThat(line.getInvoiceSet()).isEqualTo(2));
        assertThat(sumDue(original).add(sumDue(first)).add(sumDue(second))).isEqualByComparingTo("2.13");
    }

    @Test
    void lateRequestPastTheCeilingAddsCeilingAdjustment() {
        publishPlan(plan(ACCOUNT, "Team", "10", "20", null, LONG_AGO));
        spend(ACCOUNT, "19", "2026-10-10T00:00:00Z");
        spend(ACCOUNT, "0.01", "2026-11-02T00:00:00Z");
        assertThat(total(invoiceLines()).getAmountDueUsd()).isEqualByComparingTo("9.00");
        spend(ACCOUNT, "3", "2026-10-11T00:00:00Z");
        billingClockReaches("2026-11-02T01:00:00Z");
        List<InvoiceLine> late = invoiceLines();
        assertThat(late).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "CEILING_ADJUSTMENT", "TOTAL");
        assertThat(late.get(0).getAmountUsd()).isEqualByComparingTo("3");
        assertThat(late.get(1).getAmountUsd()).isEqualByComparingTo("-2");
        assertThat(total(late).getAmountUsd()).isEqualByComparingTo("1");
        assertThat(total(late).getAmountDueUsd()).isEqualByComparingTo("1.00");
    }

    @Test
    void firstRequestOfAnAlreadyPastMonthGetsAnOriginalSetAtOnce() {
        spend(ACCOUNT, "1", "2026-11-10T00:00:00Z");
        spend(ACCOUNT, "2", "2026-10-20T00:00:00Z");
        List<InvoiceLine> lines = invoiceLines();
        assertThat(lines).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "TOTAL");
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.getBillingMonth()).isEqualTo("2026-10");
            assertThat(line.getSupplemental()).isFalse();
            assertThat(line.getInvoiceSet()).isZero();
        });
        assertThat(total(lines).getAmountDueUsd()).isEqualByComparingTo("2.00");
    }
}
