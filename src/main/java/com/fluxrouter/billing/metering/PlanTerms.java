package com.fluxrouter.billing.metering;

/**
 * A month's included credit and spend ceiling in nano-dollars. {@link #NO_CEILING} stands for "no ceiling" so that
 * {@code min(usage, ceiling)} needs no special case.
 */
public record PlanTerms(long creditNanos, long ceilingNanos) {
    public static final long NO_CEILING = Long.MAX_VALUE;
    /** Pay as you go: no included credit, no ceiling. */
    public static final PlanTerms PAY_AS_YOU_GO = new PlanTerms(0, NO_CEILING);

    public boolean hasCeiling() {
        return ceilingNanos != NO_CEILING;
    }

    /** The larger credit and the larger ceiling of the two (no ceiling being the largest). */
    public PlanTerms max(PlanTerms other) {
        return new PlanTerms(Math.max(creditNanos, other.creditNanos), Math.max(ceilingNanos, other.ceilingNanos));
    }
}
