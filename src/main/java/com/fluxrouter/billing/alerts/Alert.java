package com.fluxrouter.billing.alerts;

import com.fluxrouter.billing.metering.PlanTerms;

import java.util.OptionalLong;

/**
 * Spend alerts (rule 9), each fired at most once per account-month: the usage thresholds, reached when usage first
 * reaches a share of the credit or of the ceiling, and {@link #FORECAST_CEILING}, reached when the month's projected
 * usage first reaches the control ceiling (rule 12). The ordinal is the alert's bit in the month's fired set, so
 * constants are only ever appended.
 */
public enum Alert {
    CREDIT_50(Base.CREDIT, 50),
    CREDIT_80(Base.CREDIT, 80),
    CREDIT_100(Base.CREDIT, 100),
    CEILING_90(Base.CEILING, 90),
    CEILING_100(Base.CEILING, 100),
    /** Not a usage threshold: the spend status fires it on the projection (rule 12), never {@link AlertRules}. */
    FORECAST_CEILING(Base.FORECAST, 100);

    private enum Base { CREDIT, CEILING, FORECAST }

    private final Base base;
    private final int percent;

    Alert(Base base, int percent) {
        this.base = base;
        this.percent = percent;
    }

    /** Whether usage reaching {@link #thresholdNanos} fires it (rule 9); false for the forecast alert. */
    public boolean usageThreshold() {
        return base != Base.FORECAST;
    }

    /**
     * Threshold in nano-dollars, rounded up; empty when the alert does not apply (no credit, no ceiling). The
     * forecast alert's is the ceiling itself.
     */
    public OptionalLong thresholdNanos(PlanTerms terms) {
        if (base == Base.CREDIT) {
            return terms.creditNanos() > 0 ? OptionalLong.of(percentOf(terms.creditNanos())) : OptionalLong.empty();
        }
        return terms.hasCeiling() ? OptionalLong.of(percentOf(terms.ceilingNanos())) : OptionalLong.empty();
    }

    /** ceil(amount x percent / 100) without overflow for any non-negative amount. */
    private long percentOf(long amount) {
        long remainder = amount % 100 * percent;
        return amount / 100 * percent + (remainder + 99) / 100;
    }

    public int bit() {
        return 1 << ordinal();
    }
}
