package com.fluxrouter.billing.metering;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 7: usage = sum of cost; credit_applied = min(usage, credit); billable = min(usage, ceiling);
 * overage_due = max(0, billable - credit); over_ceiling = max(0, usage - ceiling).
 */
class SettlementTest {

    private static long nanos(String usd) {
        return new BigDecimal(usd).movePointRight(9).longValueExact();
    }

    private static PlanTerms terms(String credit, String ceiling) {
        return new PlanTerms(nanos(credit), ceiling == null ? PlanTerms.NO_CEILING : nanos(ceiling));
    }

    private static void assertSettlement(Settlement settlement, String creditApplied, String billable,
                                         String overageDue, String overCeiling) {
        assertThat(settlement.creditApplied()).as("credit_applied").isEqualTo(nanos(creditApplied));
        assertThat(settlement.billable()).as("billable").isEqualTo(nanos(billable));
        assertThat(settlement.overageDue()).as("overage_due").isEqualTo(nanos(overageDue));
        assertThat(settlement.overCeiling()).as("over_ceiling").isEqualTo(nanos(overCeiling));
    }

    @Test
    void zeroUsageOwesNothing() {
        assertSettlement(new Settlement(0, terms("10", "50")), "0", "0", "0", "0");
    }

    @Test
    void usageBelowCreditIsFullyCoveredByCredit() {
        assertSettlement(new Settlement(nanos("9.999999999"), terms("10", "50")),
                "9.999999999", "9.999999999", "0", "0");
    }

    @Test
    void usageEqualToCreditOwesNothing() {
        assertSettlement(new Settlement(nanos("10"), terms("10", "50")), "10", "10", "0", "0");
    }

    @Test
    void usageBetweenCreditAndCeilingOwesTheDifferenceOverCredit() {
        assertSettlement(new Settlement(nanos("10.000000001"), terms("10", "50")),
                "10", "10.000000001", "0.000000001", "0");
        assertSettlement(new Settlement(nanos("37.5"), terms("10", "50")), "10", "37.5", "27.5", "0");
    }

    @Test
    void usageEqualToCeilingOwesCeilingMinusCredit() {
        assertSettlement(new Settlement(nanos("50"), terms("10", "50")), "10", "50", "40", "0");
    }

    @Test
    void usageAboveCeilingIsRecordedButNeverBilled() {
        assertSettlement(new Settlement(nanos("80.25"), terms("10", "50")), "10", "50", "40", "30.25");
    }

    @Test
    void noCeilingBillsAllUsageOverCredit() {
        assertSettlement(new Settlement(nanos("1000000"), terms("10", null)), "10", "1000000", "999990", "0");
    }

    @Test
    void payAsYouGoBillsAllUsage() {
        assertSettlement(new Settlement(nanos("12.345678901"), PlanTerms.PAY_AS_YOU_GO),
                "0", "12.345678901", "12.345678901", "0");
    }

    @Test
    void zeroCreditWithCeilingBillsUpToCeiling() {
        assertSettlement(new Settlement(nanos("7"), terms("0", "10")), "0", "7", "7", "0");
        assertSettlement(new Settlement(nanos("12"), terms("0", "10")), "0", "10", "10", "2");
    }

    @Test
    void freePlanWithCeilingEqualToCreditNeverOwesOverage() {
        PlanTerms free = terms("5", "5");
        assertSettlement(new Settlement(nanos("3"), free), "3", "3", "0", "0");
        assertSettlement(new Settlement(nanos("5"), free), "5", "5", "0", "0");
        assertSettlement(new Settlement(nanos("5.000000001"), free), "5", "5", "0", "0.000000001");
        assertSettlement(new Settlement(nanos("1000"), free), "5", "5", "0", "995");
    }

    @Test
    void usageMinusCreditAppliedMinusOverCeilingIsAlwaysTheOverageDue() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long credit = random.nextInt(4) == 0 ? 0 : random.nextLong(100_000_000_000L);
            long ceiling = random.nextInt(4) == 0 ? PlanTerms.NO_CEILING : credit + random.nextLong(100_000_000_000L);
            long usage = random.nextLong(300_000_000_000L);
            Settlement settlement = new Settlement(usage, new PlanTerms(credit, ceiling));
            assertThat(usage - settlement.creditApplied() - settlement.overCeiling())
                    .as("usage %d credit %d ceiling %d", usage, credit, ceiling)
                    .isEqualTo(settlement.overageDue());
            assertThat(settlement.overageDue()).isBetween(0L, ceiling == PlanTerms.NO_CEILING ? usage : ceiling - credit);
        }
    }
}
