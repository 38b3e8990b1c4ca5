package com.fluxrouter.billing.invoicing;

import com.fluxrouter.billing.metering.Ledgers;
import com.fluxrouter.billing.metering.PlanTerms;
import com.fluxrouter.billing.metering.Settlement;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.pricing.Money;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.state.LaneUsage;

import java.util.ArrayList;
import java.util.List;

/**
 * Invoice lines of an account-month (rules 10 and 11) as the difference between what the month holds now and what
 * was already invoiced. The original set is the difference from nothing; a supplemental set is the difference
 * from the sets before it, so that every line type, and the TOTAL's rounded amount due, adds up across sets.
 */
public final class InvoiceBuilder {
    public static final String USAGE = "USAGE";
    public static final String INCLUDED_CREDIT = "INCLUDED_CREDIT";
    public static final String CEILING_ADJUSTMENT = "CEILING_ADJUSTMENT";
    public static final String TOTAL = "TOTAL";

    private InvoiceBuilder() {
    }

    /**
     * @param current  the month's usage per lane now
     * @param invoiced the usage per lane covered by earlier sets (empty for the original set)
     * @param terms    the month's credit and ceiling, frozen at close
     * @param set      0 for the original set, then 1, 2, ...
     */
    public static List<InvoiceLine> lines(String accountId, String month, List<LaneUsage> current,
                                          List<LaneUsage> invoiced, PlanTerms terms, int set) {
        boolean supplemental = set > 0;
        List<InvoiceLine> lines = new ArrayList<>(6);
        long requests = 0;
        long inputTokens = 0;
        long outputTokens = 0;
        for (LaneUsage now : current) {
            LaneUsage before = Ledgers.find(invoiced, Lane.valueOf(now.getLane()));
            long laneRequests = now.getRequests() - (before == null ? 0 : before.getRequests());
            if (laneRequests == 0) {
                continue;
            }
            long laneInput = now.getInputTokens() - (before == null ? 0 : before.getInputTokens());
            long laneOutput = now.getOutputTokens() - (before == null ? 0 : before.getOutputTokens());
            long amount = now.getAmountNanos() - (before == null ? 0 : before.getAmountNanos());
            lines.add(line(accountId, month, USAGE, now.getLane(), laneRequests, laneInput, laneOutput, amount, set)
                    .setSupplemental(supplemental).build());
            requests += laneRequests;
            inputTokens += laneInput;
            outputTokens += laneOutput;
        }
        Settlement was = new Settlement(Ledgers.usageNanos(invoiced), terms);
        Settlement is = new Settlement(Ledgers.usageNanos(current), terms);
        long credit = -(is.creditApplied() - was.creditApplied());
        if (credit != 0) {
            lines.add(line(accountId, month, INCLUDED_CREDIT, null, 0, 0, 0, credit, set)
                    .setSupplemental(supplemental).build());
        }
        long ceiling = -(is.overCeiling() - was.overCeiling());
        if (ceiling != 0) {
            lines.add(line(accountId, month, CEILING_ADJUSTMENT, null, 0, 0, 0, ceiling, set)
                    .setSupplemental(supplemental).build());
        }
        long exact = is.overageDue() - was.overageDue();
        long due = Money.roundToCents(is.overageDue()) - Money.roundToCents(was.overageDue());
        lines.add(line(accountId, month, TOTAL, null, requests, inputTokens, outputTokens, exact, set)
                .setAmountDueUsd(Money.toUsd(due))
                .setSupplemental(supplemental).build());
        return lines;
    }

    private static InvoiceLine.Builder line(String accountId, String month, String type, String lane, long requests,
                                            long inputTokens, long outputTokens, long amountNanos, int set) {
        return InvoiceLine.newBuilder()
                .setAccountId(accountId)
                .setBillingMonth(month)
                .setLineType(type)
                .setLane(lane)
                .setRequests(requests)
                .setInputTokens(inputTokens)
                .setOutputTokens(outputTokens)
                .setAmountUsd(Money.toUsd(amountNanos))
                .setAmountDueUsd(null)
                .setInvoiceSet(set);
    }
}
