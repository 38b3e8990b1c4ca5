package com.fluxrouter.billing.metering;

/**
 * The money of an account-month (rule 7): what usage is covered by the credit, what is billed, what the ceiling
 * waives.
 */
public record Settlement(long usageNanos, PlanTerms terms) {

    public long creditApplied() {
        return Math.min(usageNanos, terms.creditNanos());
    }

    public long billable() {
        return Math.min(usageNanos, terms.ceilingNanos());
    }

    public long overageDue() {
        return Math.max(0, billable() - terms.creditNanos());
    }

    public long overCeiling() {
        return terms.hasCeiling() ? Math.max(0, usageNanos - terms.ceilingNanos()) : 0;
    }
}
