package com.fluxrouter.billing.invoicing;

import com.fluxrouter.billing.metering.Ledgers;
import com.fluxrouter.billing.metering.PlanTerms;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.state.LaneUsage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static com.fluxrouter.billing.invoicing.InvoiceLines.ofType;
import static com.fluxrouter.billing.invoicing.InvoiceLines.total;
import static org.assertj.core.api.Assertions.assertThat;

/** Rules 10 and 11: the original set is the month's figures, a supplemental set is the change since earlier sets. */
class InvoiceBuilderTest {
    private static final String ACCOUNT = "acct-1";
    private static final String MONTH = "2026-10";

    private static long nanos(String usd) {
        return new BigDecimal(usd).movePointRight(9).longValueExact();
    }

    private static BigDecimal usd(String amount) {
        return new BigDecimal(amount);
    }

    private static PlanTerms terms(String credit, String ceiling) {
        return new PlanTerms(nanos(credit), ceiling == null ? PlanTerms.NO_CEILING : nanos(ceiling));
    }

    private static LaneUsage lane(Lane lane, long requests, long input, long output, String amount) {
        return new LaneUsage(lane.name(), requests, input, output, nanos(amount));
    }

    @Test
    void originalSetHasOneUsageLinePerLaneInLaneOrderThenCreditCeilingAndTotal() {
        List<LaneUsage> lanes = List.of(
                lane(Lane.EXPRESS, 3, 3_000_000, 1_000_000, "4"),
                lane(Lane.DAILY_DRIVER, 2, 2_000_000, 3_000_000, "10"),
                lane(Lane.DEEP_THOUGHT, 1, 5_000_000, 1_500_000, "26"));
        List<InvoiceLine> lines = InvoiceBuilder.lines(ACCOUNT, MONTH, lanes, List.of(), terms("10", "30"), 0);

        assertThat(lines).extracting(InvoiceLine::getLineType).containsExactly(
                "USAGE", "USAGE", "USAGE", "INCLUDED_CREDIT", "CEILING_ADJUSTMENT", "TOTAL");
        assertThat(lines).extracting(InvoiceLine::getLane)
                .containsExactly("EXPRESS", "DAILY_DRIVER", "DEEP_THOUGHT", null, null, null);
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.getAccountId()).isEqualTo(ACCOUNT);
            assertThat(line.getBillingMonth()).isEqualTo(MONTH);
            assertThat(line.getSupplemental()).isFalse();
            assertThat(line.getInvoiceSet()).isZero();
        });
        InvoiceLine express = lines.get(0);
        assertThat(express.getRequests()).isEqualTo(3);
        assertThat(express.getInputTokens()).isEqualTo(3_000_000);
        assertThat(express.getOutputTokens()).isEqualTo(1_000_000);
        assertThat(express.getAmountUsd()).isEqualByComparingTo(usd("4"));
        assertThat(express.getAmountDueUsd()).isNull();
        assertThat(lines.get(1).getAmountUsd()).isEqualByComparingTo(usd("10"));
        assertThat(lines.get(2).getAmountUsd()).isEqualByComparingTo(usd("26"));
        assertThat(lines.get(3).getAmountUsd()).isEqualByComparingTo(usd("-10"));
        assertThat(lines.get(3).getRequests()).isZero();
        assertThat(lines.get(4).getAmountUsd()).isEqualByComparingTo(usd("-10"));
        InvoiceLine total = lines.get(5);
        assertThat(total.getRequests()).isEqualTo(6);
        assertThat(total.getInputTokens()).isEqualTo(10_000_000);
        assertThat(total.getOutputTokens()).isEqualTo(5_500_000);
        assertThat(total.getAmountUsd()).isEqualByComparingTo(usd("20"));
        assertThat(total.getAmountDueUsd()).isEqualByComparingTo(usd("20.00"));
    }

    @Test
    void unusedLanesHaveNoUsageLine() {
        List<LaneUsage> lanes = List.of(lane(Lane.EXPRESS, 1, 10, 0, "0.00001"), lane(Lane.DEEP_THOUGHT, 1, 10, 0, "0.00004"));
        List<InvoiceLine> lines = InvoiceBuilder.lines(ACCOUNT, MONTH, lanes, List.of(), PlanTerms.PAY_AS_YOU_GO, 0);
        assertThat(ofType(lines, "USAGE")).extracting(InvoiceLine::getLane).containsExactly("EXPRESS", "DEEP_THOUGHT");
    }

    @Test
    void usageUnderCreditIsCancelledByIncludedCreditAndOwesNothing() {
        List<InvoiceLine> lines = InvoiceBuilder.lines(ACCOUNT, MONTH,
                List.of(lane(Lane.DAILY_DRIVER, 4, 1_000_000, 500_000, "3")), List.of(), terms("10", "50"), 0);
        assertThat(lines).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "INCLUDED_CREDIT", "TOTAL");
        assertThat(lines.get(1).getAmountUsd()).isEqualByComparingTo(usd("-3"));
        assertThat(total(lines).getAmountUsd()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(total(lines).getAmountDueUsd()).isEqualByComparingTo(BigDecimal.ZERO);
    }

    @Test
    void payAsYouGoHasNoCreditOrCeilingLine() {
        List<InvoiceLine> lines = InvoiceBuilder.lines(ACCOUNT, MONTH,
                List.of(lane(Lane.EXPRESS, 1, 1_000_000, 0, "1")), List.of(), PlanTerms.PAY_AS_YOU_GO, 0);
        assertThat(lines).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "TOTAL");
        assertThat(total(lines).getAmountDueUsd()).isEqualByComparingTo(usd("1.00"));
    }

    @Test
    void zeroTokenRequestsStillGetAUsageLineOfZero() {
        List<InvoiceLine> lines = InvoiceBuilder.lines(ACCOUNT, MONTH,
                List.of(lane(Lane.EXPRESS, 2, 0, 0, "0")), List.of(), terms("10", null), 0);
        assertThat(lines).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "TOTAL");
        assertThat(lines.get(0).getRequests()).isEqualTo(2);
        assertThat(lines.get(0).getAmountUsd()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(total(lines).getAmountDueUsd()).isEqualByComparingTo(BigDecimal.ZERO);
    }

    @Test
    void freePlanOverCeilingOwesNothing() {
        List<InvoiceLine> lines = InvoiceBuilder.lines(ACCOUNT, MONTH,
                List.of(lane(Lane.EXPRESS, 5, 8_000_000, 0, "8")), List.of(), terms("5", "5"), 0);
        assertThat(lines).extracting(InvoiceLine::getLineType)
                .containsExactly("USAGE", "INCLUDED_CREDIT", "CEILING_ADJUSTMENT", "TOTAL");
        assertThat(lines.get(1).getAmountUsd()).isEqualByComparingTo(usd("-5"));
        assertThat(lines.get(2).getAmountUsd()).isEqualByComparingTo(usd("-3"));
        assertThat(total(lines).getAmountUsd()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(total(lines).getAmountDueUsd()).isEqualByComparingTo(BigDecimal.ZERO);
    }

    @Test
    void totalAmountDueRoundsHalfUpToCents() {
        String[][] cases = {
                {"2.345", "2.35"}, {"2.344999999", "2.34"}, {"0.005", "0.01"}, {"0.004999999", "0.00"},
                {"0.125", "0.13"}, {"0.135", "0.14"}, {"7", "7.00"}, {"19.995", "20.00"}};
        for (String[] c : cases) {
            List<InvoiceLine> lines = InvoiceBuilder.lines(ACCOUNT, MONTH,
                    List.of(lane(Lane.EXPRESS, 1, 0, 0, c[0])), List.of(), PlanTerms.PAY_AS_YOU_GO, 0);
            assertThat(total(lines).getAmountUsd()).as("exact of %s", c[0]).isEqualByComparingTo(usd(c[0]));
            assertThat(total(lines).getAmountDueUsd()).as("due of %s", c[0]).isEqualByComparingTo(usd(c[1]));
        }
    }

    @Test
    void supplementalSetHoldsOnlyTheChangeSinceTheOriginal() {
        List<LaneUsage> invoiced = List.of(
                lane(Lane.EXPRESS, 2, 1_000_000, 0, "1"),
                lane(Lane.DAILY_DRIVER, 1, 5_000_000, 0, "10.345"));
        List<LaneUsage> current = List.of(
                lane(Lane.EXPRESS, 2, 1_000_000, 0, "1"),
                lane(Lane.DAILY_DRIVER, 2, 5_000_000, 5_000, "10.355"),
                lane(Lane.DEEP_THOUGHT, 1, 0, 250_000, "1"));
        PlanTerms terms = terms("10", null);
        List<InvoiceLine> lines = InvoiceBuilder.lines(ACCOUNT, MONTH, current, invoiced, terms, 1);

        // Express did not change; credit applied (10) did not change.
        assertThat(lines).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "USAGE", "TOTAL");
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.getSupplemental()).isTrue();
            assertThat(line.getInvoiceSet()).isEqualTo(1);
        });
        assertThat(lines.get(0).getLane()).isEqualTo("DAILY_DRIVER");
        assertThat(lines.get(0).getRequests()).isEqualTo(1);
        assertThat(lines.get(0).getInputTokens()).isZero();
        assertThat(lines.get(0).getOutputTokens()).isEqualTo(5_000);
        assertThat(lines.get(0).getAmountUsd()).isEqualByComparingTo(usd("0.01"));
        assertThat(lines.get(1).getLane()).isEqualTo("DEEP_THOUGHT");
        assertThat(lines.get(1).getAmountUsd()).isEqualByComparingTo(usd("1"));
        InvoiceLine total = total(lines);
        assertThat(total.getRequests()).isEqualTo(2);
        assertThat(total.getAmountUsd()).isEqualByComparingTo(usd("1.01"));
        // Overage 1.345 (due 1.35) became 2.355 (due 2.36): the change in the rounded amount is 1.01.
        assertThat(total.getAmountDueUsd()).isEqualByComparingTo(usd("1.01"));
    }

    @Test
    void supplementalSetAdjustsIncludedCreditOfAMonthClosedUnderCredit() {
        PlanTerms terms = terms("10", null);
        List<LaneUsage> invoiced = List.of(lane(Lane.EXPRESS, 1, 3_000_000, 0, "3"));
        List<LaneUsage> current = List.of(lane(Lane.EXPRESS, 2, 10_000_000, 2_000_000, "12"));
        List<InvoiceLine> lines = InvoiceBuilder.lines(ACCOUNT, MONTH, current, invoiced, terms, 1);
        assertThat(lines).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "INCLUDED_CREDIT", "TOTAL");
        assertThat(lines.get(0).getAmountUsd()).isEqualByComparingTo(usd("9"));
        assertThat(lines.get(1).getAmountUsd()).isEqualByComparingTo(usd("-7"));
        assertThat(total(lines).getAmountUsd()).isEqualByComparingTo(usd("2"));
        assertThat(total(lines).getAmountDueUsd()).isEqualByComparingTo(usd("2.00"));
    }

    @Test
    void supplementalSetPastTheCeilingOnlyAddsCeilingAdjustment() {
        PlanTerms terms = terms("10", "20");
        List<LaneUsage> invoiced = List.of(lane(Lane.EXPRESS, 1, 10_000_000, 10_000_000, "20"));
        List<LaneUsage> current = List.of(lane(Lane.EXPRESS, 2, 13_000_000, 10_000_000, "23"));
        List<InvoiceLine> lines = InvoiceBuilder.lines(ACCOUNT, MONTH, current, invoiced, terms, 3);
        assertThat(lines).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "CEILING_ADJUSTMENT", "TOTAL");
        assertThat(lines.get(1).getAmountUsd()).isEqualByComparingTo(usd("-3"));
        assertThat(total(lines).getAmountUsd()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(total(lines).getAmountDueUsd()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(total(lines).getInvoiceSet()).isEqualTo(3);
    }

    @Test
    void totalsAmountDueAcrossAllSetsAddUpToTheRoundedFinalOverage() {
        Random random = new Random(42);
        PlanTerms[] plans = {PlanTerms.PAY_AS_YOU_GO, terms("5", "5"), terms("10", null), terms("10", "30"), terms("0", "25")};
        for (int round = 0; round < 500; round++) {
            PlanTerms terms = plans[round % plans.length];
            List<LaneUsage> invoiced = new ArrayList<>();
            List<LaneUsage> current = new ArrayList<>();
            BigDecimal dueSum = BigDecimal.ZERO;
            BigDecimal exactSum = BigDecimal.ZERO;
            BigDecimal usageSum = BigDecimal.ZERO;
            BigDecimal creditSum = BigDecimal.ZERO;
            BigDecimal ceilingSum = BigDecimal.ZERO;
            int sets = 1 + random.nextInt(5);
            for (int set = 0; set < sets; set++) {
                int additions = 1 + random.nextInt(4);
                for (int i = 0; i < additions; i++) {
                    Lane lane = Lane.values()[random.nextInt(3)];
                    long tokens = random.nextLong(8_000_000);
                    long amount = tokens * 1000L * (1L << lane.ordinal());
                    com.fluxrouter.billing.pricing.Price price = new com.fluxrouter.billing.pricing.Price(amount, 0);
                    LaneUsage usage = Ledgers.find(current, lane);
                    if (usage == null) {
                        usage = new LaneUsage(lane.name(), 0L, 0L, 0L, 0L);
                        current.add(usage);
                        current.sort(java.util.Comparator.comparing(u -> Lane.valueOf(u.getLane()).ordinal()));
                    }
                    usage.setRequests(usage.getRequests() + 1);
                    usage.setInputTokens(usage.getInputTokens() + tokens);
                    usage.setAmountNanos(usage.getAmountNanos() + price.totalNanos());
                }
                List<InvoiceLine> lines = InvoiceBuilder.lines(ACCOUNT, MONTH, current, invoiced, terms, set);
                assertThat(lines).allSatisfy(line -> assertThat(line.getSupplemental()).isEqualTo(lines.get(0).getInvoiceSet() > 0));
                for (InvoiceLine line : lines) {
                    switch (line.getLineType()) {
                        case "USAGE" -> usageSum = usageSum.add(line.getAmountUsd());
                        case "INCLUDED_CREDIT" -> creditSum = creditSum.add(line.getAmountUsd());
                        case "CEILING_ADJUSTMENT" -> ceilingSum = ceilingSum.add(line.getAmountUsd());
                        case "TOTAL" -> {
                            exactSum = exactSum.add(line.getAmountUsd());
                            dueSum = dueSum.add(line.getAmountDueUsd());
                            assertThat(line.getAmountUsd()).isEqualByComparingTo(
                                    lines.stream().filter(l -> !l.getLineType().equals("TOTAL"))
                                            .map(InvoiceLine::getAmountUsd).reduce(BigDecimal.ZERO, BigDecimal::add));
                        }
                        default -> throw new AssertionError("unexpected line type " + line.getLineType());
                    }
                }
                invoiced = Ledgers.copy(current);
            }
            // Rule 7 on the month's whole usage, here with BigDecimal rather than the pipeline's Settlement.
            BigDecimal usage = current.stream().map(lane -> BigDecimal.valueOf(lane.getAmountNanos(), 9))
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal credit = BigDecimal.valueOf(terms.creditNanos(), 9);
            BigDecimal billable = terms.hasCeiling() ? usage.min(BigDecimal.valueOf(terms.ceilingNanos(), 9)) : usage;
            BigDecimal overage = billable.subtract(credit).max(BigDecimal.ZERO);
            assertThat(exactSum).isEqualByComparingTo(overage);
            assertThat(dueSum).isEqualByComparingTo(overage.setScale(2, RoundingMode.HALF_UP));
            assertThat(usageSum).isEqualByComparingTo(usage);
            assertThat(creditSum).isEqualByComparingTo(usage.min(credit).negate());
            assertThat(ceilingSum).isEqualByComparingTo(usage.subtract(billable).negate());
        }
    }
}
