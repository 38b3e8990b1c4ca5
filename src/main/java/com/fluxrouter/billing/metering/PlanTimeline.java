package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.pricing.Money;
import com.fluxrouter.billing.schema.AccountPlan;

import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * An account's plan versions over time (rule 6). A version is in force from its effective_from until the next
 * version's; a month's terms are the largest of every version in force at any instant of the month.
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
        AccountPlan current = null;
        for (AccountPlan version : versions) {
            if (version.getEffectiveFrom().toEpochMilli() > epochMillis) {
                break;
            }
            current = version;
        }
        return current == null ? ZoneOffset.UTC : zoneOf(current);
    }

    /** Terms of a month: pay as you go when no version is in force at any instant of it. */
    public PlanTerms termsFor(YearMonth month, ZoneId zone) {
        long start = BillingCalendar.start(month, zone);
        long end = BillingCalendar.end(month, zone);
        PlanTerms terms = null;
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
