package com.fluxrouter.billing.oracle;

import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Translates the wire records (generated Avro classes only) to the oracle's inputs, and the pipeline's outputs to
 * comparable strings with amounts normalised, so a mismatch prints both sides readably.
 */
public final class OracleRecords {
    private OracleRecords() {
    }

    public static OracleInputs.Rate rate(LaneRate rate) {
        return new OracleInputs.Rate(rate.getLane(), rate.getInputUsdPerMillion(), rate.getOutputUsdPerMillion(),
                rate.getEffectiveFrom());
    }

    public static OracleInputs.Plan plan(AccountPlan plan) {
        return new OracleInputs.Plan(plan.getAccountId(), plan.getIncludedCreditUsd(), plan.getSpendCeilingUsd(),
                plan.getBillingTimeZone(), plan.getEffectiveFrom());
    }

    public static OracleInputs.Request request(RoutedRequest request, Instant recordTime) {
        return new OracleInputs.Request(request.getAccountId(), request.getRequestId(), request.getServedModel(),
                request.getLane(), request.getInputTokens(), request.getOutputTokens(), request.getCompletedAt(),
                recordTime);
    }

    private static String usd(BigDecimal amount) {
        return amount == null ? "-" : amount.stripTrailingZeros().toPlainString();
    }

    public static String describe(InvoiceLine l) {
        return String.join(" ", l.getAccountId(), l.getBillingMonth(), "set" + l.getInvoiceSet(),
                l.getSupplemental() ? "supp" : "orig", l.getLineType(), String.valueOf(l.getLane()),
                "req=" + l.getRequests(), "in=" + l.getInputTokens(), "out=" + l.getOutputTokens(),
                "amount=" + usd(l.getAmountUsd()), "due=" + usd(l.getAmountDueUsd()));
    }

    public static String describe(OracleOutputs.Line l) {
        return String.join(" ", l.account(), l.month(), "set" + l.set(), l.supplemental() ? "supp" : "orig",
                l.type(), String.valueOf(l.lane()), "req=" + l.requests(), "in=" + l.inputTokens(),
                "out=" + l.outputTokens(), "amount=" + usd(l.amountUsd()), "due=" + usd(l.amountDueUsd()));
    }

    public static String describe(OverageUpdate u) {
        return String.join(" ", u.getAccountId(), u.getBillingMonth(), "usage=" + usd(u.getUsageUsd()),
                "credit=" + usd(u.getIncludedCreditUsd()), "ceiling=" + usd(u.getSpendCeilingUsd()),
                "overage=" + usd(u.getOverageUsd()), "delta=" + usd(u.getOverageDeltaUsd()), "asOf=" + u.getAsOf());
    }

    public static String describe(OracleOutputs.Overage u) {
        return String.join(" ", u.account(), u.month(), "usage=" + usd(u.usageUsd()), "credit=" + usd(u.creditUsd()),
                "ceiling=" + usd(u.ceilingUsd()), "overage=" + usd(u.overageUsd()), "delta=" + usd(u.deltaUsd()),
                "asOf=" + u.asOf());
    }

    public static String describe(SpendAlert a) {
        return String.join(" ", a.getAccountId(), a.getBillingMonth(), a.getAlert(), "usage=" + usd(a.getUsageUsd()),
                "threshold=" + usd(a.getThresholdUsd()), "at=" + a.getAt(), a.getRequestId());
    }

    public static String describe(OracleOutputs.Alert a) {
        return String.join(" ", a.account(), a.month(), a.alert(), "usage=" + usd(a.usageUsd()),
                "threshold=" + usd(a.thresholdUsd()), "at=" + a.at(), a.requestId());
    }

    public static String describe(SpendStatus s) {
        return String.join(" ", s.getAccountId(), s.getBillingMonth(), s.getStatus(), "usage=" + usd(s.getUsageUsd()),
                "credit=" + usd(s.getIncludedCreditUsd()), "creditLeft=" + usd(s.getCreditRemainingUsd()),
                "ceiling=" + usd(s.getSpendCeilingUsd()), "left=" + usd(s.getRemainingUsd()),
                "period=[" + s.getPeriodStart() + "," + s.getPeriodEnd() + ")",
                "projected=" + usd(s.getProjectedUsageUsd()), s.getReason(), "asOf=" + s.getAsOf());
    }

    public static String describe(OracleOutputs.Status s) {
        return String.join(" ", s.account(), s.month(), s.status(), "usage=" + usd(s.usageUsd()),
                "credit=" + usd(s.creditUsd()), "creditLeft=" + usd(s.creditRemainingUsd()),
                "ceiling=" + usd(s.ceilingUsd()), "left=" + usd(s.remainingUsd()),
                "period=[" + s.periodStart() + "," + s.periodEnd() + ")", "projected=" + usd(s.projectedUsd()),
                s.reason(), "asOf=" + s.asOf());
    }
}
