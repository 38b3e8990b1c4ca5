package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.pricing.Money;
import com.fluxrouter.billing.schema.SpendStatus;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/**
 * The figures of an account's spend status at an instant (docs/billing-rules.md section 12), before it is compared
 * with the account's last emitted status; plain Java. Money in nano-dollars, instants in epoch milliseconds.
 *
 * @param billingMonth  YYYY-MM of as_of in the account's zone
 * @param periodStart   first instant of the month in its zone (inclusive)
 * @param periodEnd     first instant after it (exclusive)
 * @param usageNanos    the month's usage (0 when it has no ledger)
 * @param creditNanos   the month's billing credit (rule 6)
 * @param control       the control terms at as_of: the version in force then (rule 12)
 * @param projectedNanos the forecast, null before 20 % of the month
 * @param asOf          the instant described
 */
record StatusFigures(String billingMonth, long periodStart, long periodEnd, long usageNanos, long creditNanos,
                     PlanTerms control, BigInteger projectedNanos, long asOf) {
    static final String ACTIVE = "ACTIVE";
    static final String CAPPED = "CAPPED";
    static final String USAGE = "USAGE";
    static final String PLAN_CHANGE = "PLAN_CHANGE";
    static final String NEW_PERIOD = "NEW_PERIOD";

    /**
     * The figures, with the forecast computed from the others.
     */
    static StatusFigures of(String billingMonth, long periodStart, long periodEnd, long usageNanos, long creditNanos,
                            PlanTerms control, long asOf) {
        return new StatusFigures(billingMonth, periodStart, periodEnd, usageNanos, creditNanos, control,
                projection(usageNanos, periodStart, periodEnd, asOf), asOf);
    }

    /**
     * Rule 12, forecast: usage x (end - start) / (as_of - start), exact on nano-dollars and milliseconds and rounded
     * half-up to the nano-dollar; null while less than 20 % of the period has passed ((as_of - start) x 5 <
     * (end - start)). A BigInteger: up to five times a month's usage, past the range of a long.
     */
    static BigInteger projection(long usageNanos, long periodStart, long periodEnd, long asOf) {
        long length = periodEnd - periodStart;
        long elapsed = asOf - periodStart;
        if (elapsed <= 0 || elapsed * 5 < length) {
            return null;
        }
        BigInteger twiceElapsed = BigInteger.valueOf(elapsed).shiftLeft(1);
        // floor((2 u L + e) / 2e) = u L / e rounded half-up, for non-negative u L / e
        return BigInteger.valueOf(usageNanos).multiply(BigInteger.valueOf(length)).shiftLeft(1)
                .add(BigInteger.valueOf(elapsed)).divide(twiceElapsed);
    }

    /** CAPPED iff there is a control ceiling and usage has reached it (a $0 ceiling caps at once). */
    String status() {
        return control.hasCeiling() && usageNanos >= control.ceilingNanos() ? CAPPED : ACTIVE;
    }

    /** Whether anything but usage and the forecast differs from the last emitted status: status, credit, ceiling, period. */
    boolean termsDifferFrom(SpendStatus last) {
        return !status().equals(last.getStatus())
                || !Objects.equals(Money.toUsd(creditNanos), scaled(last.getIncludedCreditUsd()))
                || !Objects.equals(ceilingUsd(), scaled(last.getSpendCeilingUsd()))
                || periodStart != last.getPeriodStart().toEpochMilli() || periodEnd != last.getPeriodEnd().toEpochMilli();
    }

    /** Whether the credit, the control ceiling or the period differs from the last emitted status: a plan's doing. */
    boolean termsOtherThanStatusDifferFrom(SpendStatus last) {
        return !Objects.equals(Money.toUsd(creditNanos), scaled(last.getIncludedCreditUsd()))
                || !Objects.equals(ceilingUsd(), scaled(last.getSpendCeilingUsd()))
                || periodStart != last.getPeriodStart().toEpochMilli() || periodEnd != last.getPeriodEnd().toEpochMilli();
    }

    /** Whether usage or the forecast differs from the last emitted status. */
    boolean usageDiffersFrom(SpendStatus last) {
        return !Objects.equals(Money.toUsd(usageNanos), scaled(last.getUsageUsd()))
                || !Objects.equals(projectedUsd(), scaled(last.getProjectedUsageUsd()));
    }

    /** The contract record, with the reason it is emitted for. */
    SpendStatus toRecord(String accountId, String reason) {
        BigDecimal ceiling = ceilingUsd();
        return SpendStatus.newBuilder()
                .setAccountId(accountId)
                .setBillingMonth(billingMonth)
                .setStatus(status())
                .setUsageUsd(Money.toUsd(usageNanos))
                .setIncludedCreditUsd(Money.toUsd(creditNanos))
                .setCreditRemainingUsd(Money.toUsd(Math.max(0, creditNanos - usageNanos)))
                .setSpendCeilingUsd(ceiling)
                .setRemainingUsd(ceiling == null ? null : Money.toUsd(Math.max(0, control.ceilingNanos() - usageNanos)))
                .setPeriodStart(Instant.ofEpochMilli(periodStart))
                .setPeriodEnd(Instant.ofEpochMilli(periodEnd))
                .setProjectedUsageUsd(projectedUsd())
                .setReason(reason)
                .setAsOf(Instant.ofEpochMilli(asOf))
                .build();
    }

    private BigDecimal ceilingUsd() {
        return control.hasCeiling() ? Money.toUsd(control.ceilingNanos()) : null;
    }

    private BigDecimal projectedUsd() {
        return projectedNanos == null ? null : new BigDecimal(projectedNanos, Money.SCALE);
    }

    /** Stored amounts carry scale 9 already; this makes equality independent of how one was read. */
    private static BigDecimal scaled(BigDecimal usd) {
        return usd == null ? null : usd.setScale(Money.SCALE);
    }
}
