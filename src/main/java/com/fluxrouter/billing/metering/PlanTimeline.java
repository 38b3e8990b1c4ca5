package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.pricing.Money;
import com.fluxrouter.billing.schema.AccountPlan;

import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * An account's plan versions over time (rule 6). A version is in force from its effective_from until the next
 * version's. Two readings of it (docs/billing-rules.md rules 6 and 12): the <em>control</em> terms at an instant, those
 * of the version in force then, which the spend status routes by; and the <em>billing</em> terms of a month, the
 * largest of every version in force at any instant of the month, usage served before the first version counting as
 * pay as you go.
 */
public final class PlanTimeline {
    private static final PlanTimeline EMPTY = new PlanTimeline(List.of());

    /** Versions ordered by effective_from, as PlanHistory keeps them. */
    private final List<AccountPlan> versions;

    private PlanTimeline(List<AccountPlan> versions) {
        this.versions = versions;
    }

    public static PlanTimeline of(List<AccountPlan> orderedVersions) {
        return orderedVersions == null || orderedVersions.isEmpty() ? EMPTY : new PlanTimeline(orderedVersions);
    }

    /** Billing zone at an instant: that of the version in force then; UTC when none is. */
    public ZoneId zoneAt(long epochMillis) {
        AccountPlan current = versionAt(epochMillis);
        return current == null ? ZoneOffset.UTC : zoneOf(current);
    }

    /** The version with the latest effective_from at or before the instant; null when none is. */
    private AccountPlan versionAt(long epochMillis) {
        AccountPlan current = null;
        for (AccountPlan version : versions) {
            if (version.getEffectiveFrom().toEpochMilli() > epochMillis) {
                break;
            }
            current = version;
        }
        return current;
    }

    /**
     * The first instant after {@code epochMillis} at which another version takes effect, so the zone and terms in
     * force at the instant hold at least until just before it.
     *
     * @return the earliest effective_from (epoch ms) later than the instant; {@link Long#MAX_VALUE} when none is
     */
    long nextEffectiveFromAfter(long epochMillis) {
        for (AccountPlan version : versions) {
            long from = version.getEffectiveFrom().toEpochMilli();
            if (from > epochMillis) {
                return from;
            }
        }
        return Long.MAX_VALUE;
    }

    /** The versions, oldest effective_from first. */
    List<AccountPlan> versions() {
        return versions;
    }

    /**
     * Control terms (rule 12): the credit and ceiling of the version in force at the instant, the one with the latest
     * effective_from not after it; pay as you go (no credit, no ceiling) when none is.
     *
     * @param epochMillis the instant, epoch ms
     */
    public PlanTerms termsAt(long epochMillis) {
        AccountPlan current = versionAt(epochMillis);
        return current == null ? PlanTerms.PAY_AS_YOU_GO : termsOf(current);
    }

    /**
     * Billing terms of a month (rule 6): the largest credit and ceiling of the versions in force at any instant of
     * it, no ceiling being the largest. A part of the month before the account's first version, in which usage was
     * served, counts as pay as you go, so a cap added after usage leaves the month without a ceiling and waives
     * nothing served before it (its credit is unaffected: pay as you go has none); a first version that starts inside
     * the month before any usage (a sign-up) bills the month under its own terms. Pay as you go when no version is in
     * force at any instant of it.
     *
     * @param month        the billing month
     * @param zone         the zone whose calendar bounds the month
     * @param firstUsageAt epoch ms: the earliest completed_at of the month's usage; {@link Long#MAX_VALUE} when it has
     *                     none
     */
    public PlanTerms termsFor(YearMonth month, ZoneId zone, long firstUsageAt) {
        long start = BillingCalendar.start(month, zone);
        long end = BillingCalendar.end(month, zone);
        // Rule 6's correction: usage served before the first version was served pay as you go.
        PlanTerms terms = versions.isEmpty() || versions.get(0).getEffectiveFrom().toEpochMilli() > Math.max(start, firstUsageAt)
                ? PlanTerms.PAY_AS_YOU_GO : null;
        for (int i = 0; i < versions.size(); i++) {
            long from = versions.get(i).getEffectiveFrom().toEpochMilli();
            long until = i + 1 < versions.size() ? versions.get(i + 1).getEffectiveFrom().toEpochMilli() : Long.MAX_VALUE;
            if (from < end && until > start) {
                PlanTerms version = termsOf(versions.get(i));
                terms = terms == null ? version : terms.max(version);
            }
        }
        return terms == null ? PlanTerms.PAY_AS_YOU_GO : terms;
    }

    static PlanTerms termsOf(AccountPlan plan) {
        long ceiling = plan.getSpendCeilingUsd() == null ? PlanTerms.NO_CEILING : Money.toNanos(plan.getSpendCeilingUsd());
        return new PlanTerms(Money.toNanos(plan.getIncludedCreditUsd()), ceiling);
    }

    /** Zone of a version; PlanRules rejects versions whose zone does not parse. */
    public static ZoneId zoneOf(AccountPlan plan) {
        return plan.getBillingTimeZone() == null ? ZoneOffset.UTC : ZoneId.of(plan.getBillingTimeZone());
    }
}
