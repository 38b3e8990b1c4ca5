package com.fluxrouter.billing.chaos;

import com.fluxrouter.billing.invoicing.InvoiceBuilder;
import com.fluxrouter.billing.oracle.OracleOutputs;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.pricing.Money;
import com.fluxrouter.billing.schema.InvoiceLine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one account-month's invoice, all sets added up: per lane requests, tokens and amount, the credit
 * and ceiling lines, and the TOTAL's requests, exact amount and amount due. Built either from the oracle's lines
 * ({@link #add(OracleOutputs.Line)}: the verdict's expected side, independent of the pipeline's billing classes) or
 * from the invoice lines read back ({@link #add(InvoiceLine)}), so the two can be compared field by field.
 */
final class MonthFigures {
    private final long[][] lanes = new long[Lane.values().length][4];
    private long credit;
    private long ceilingAdjustment;
    private long totalRequests;
    private long totalNanos;
    private long dueNanos;

    /** One invoice line the oracle emitted (the expected side). */
    void add(OracleOutputs.Line line) {
        long amount = nanos(line.amountUsd());
        switch (line.type()) {
            case "USAGE" -> {
                long[] usage = lanes[Lane.valueOf(line.lane()).ordinal()];
                usage[0] += line.requests();
                usage[1] += line.inputTokens();
                usage[2] += line.outputTokens();
                usage[3] += amount;
            }
            case "INCLUDED_CREDIT" -> credit += amount;
            case "CEILING_ADJUSTMENT" -> ceilingAdjustment += amount;
            case "TOTAL" -> {
                totalRequests += line.requests();
                totalNanos += amount;
                dueNanos += nanos(line.amountDueUsd());
            }
            default -> throw new IllegalArgumentException("unknown line type " + line.type());
        }
    }

    /** Exact USD to nano-dollars; throws ArithmeticException for a finer amount. */
    static long nanos(java.math.BigDecimal usd) {
        return usd.movePointRight(9).longValueExact();
    }

    /** One invoice line of the actual side, whichever set it belongs to. */
    void add(InvoiceLine line) {
        long amount = Money.toNanos(line.getAmountUsd());
        switch (line.getLineType()) {
            case InvoiceBuilder.USAGE -> {
                long[] usage = lanes[Lane.valueOf(line.getLane()).ordinal()];
                usage[0] += line.getRequests();
                usage[1] += line.getInputTokens();
                usage[2] += line.getOutputTokens();
                usage[3] += amount;
            }
            case InvoiceBuilder.INCLUDED_CREDIT -> credit += amount;
            case InvoiceBuilder.CEILING_ADJUSTMENT -> ceilingAdjustment += amount;
            case InvoiceBuilder.TOTAL -> {
                totalRequests += line.getRequests();
                totalNanos += amount;
                dueNanos += line.getAmountDueUsd() == null ? 0 : Money.toNanos(line.getAmountDueUsd());
            }
            default -> throw new IllegalArgumentException("unknown line type " + line.getLineType());
        }
    }

    /**
     * One original invoice set adding up to these figures (a USAGE line per lane used, the credit and ceiling lines,
     * the TOTAL): what a correct pipeline emits for the month, so the verdict can be tried on made-up outputs.
     */
    List<InvoiceLine> asOriginalSet(String account, String month) {
        List<InvoiceLine> lines = new ArrayList<>();
        for (Lane lane : Lane.values()) {
            long[] usage = lanes[lane.ordinal()];
            if (usage[0] != 0 || usage[3] != 0) {
                lines.add(line(account, month, InvoiceBuilder.USAGE, lane.name(), usage[0], usage[1], usage[2], usage[3], null));
            }
        }
        lines.add(line(account, month, InvoiceBuilder.INCLUDED_CREDIT, null, 0, 0, 0, credit, null));
        lines.add(line(account, month, InvoiceBuilder.CEILING_ADJUSTMENT, null, 0, 0, 0, ceilingAdjustment, null));
        lines.add(line(account, month, InvoiceBuilder.TOTAL, null, totalRequests, 0, 0, totalNanos, dueNanos));
        return lines;
    }

    private static InvoiceLine line(String account, String month, String type, String lane, long requests, long input,
                                    long output, long amountNanos, Long dueNanos) {
        return InvoiceLine.newBuilder().setAccountId(account).setBillingMonth(month).setLineType(type).setLane(lane)
                .setRequests(requests).setInputTokens(input).setOutputTokens(output).setAmountUsd(Money.toUsd(amountNanos))
                .setAmountDueUsd(dueNanos == null ? null : Money.toUsd(dueNanos)).setSupplemental(false).setInvoiceSet(0)
                .build();
    }

    long totalNanos() {
        return totalNanos;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MonthFigures that && Arrays.deepEquals(lanes, that.lanes) && credit == that.credit
                && ceilingAdjustment == that.ceilingAdjustment && totalRequests == that.totalRequests
                && totalNanos == that.totalNanos && dueNanos == that.dueNanos;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(totalNanos);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Lane lane : Lane.values()) {
            long[] usage = lanes[lane.ordinal()];
            if (usage[0] != 0 || usage[3] != 0) {
                text.append(String.format(Locale.ROOT, "%s %d req %d/%d tok %s; ", lane, usage[0], usage[1], usage[2],
                        Money.toUsd(usage[3]).toPlainString()));
            }
        }
        return text.append(String.format(Locale.ROOT, "credit %s, ceiling %s, TOTAL %d req %s due %s",
                Money.toUsd(credit).toPlainString(), Money.toUsd(ceilingAdjustment).toPlainString(), totalRequests,
                Money.toUsd(totalNanos).toPlainString(), Money.toUsd(dueNanos).toPlainString())).toString();
    }
}
