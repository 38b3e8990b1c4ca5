package com.fluxrouter.billing.plans;

import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.state.PlanHistory;
import com.fluxrouter.billing.schema.state.PlanPublication;
import com.fluxrouter.billing.schema.state.PlanPublications;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An account's plan versions with the time each was published, and its plan history as it stood at any instant
 * (rule 6, "Production order"); plain Java. The fold is order-free: publications may arrive in any order and more
 * than once (a global store is rebuilt from its topic, a restart re-reads a few records) and give the same state.
 */
public final class PlanPublishing {
    private static final Comparator<PlanPublication> ORDER = Comparator
            .comparing((PlanPublication publication) -> publication.getPlan().getEffectiveFrom())
            .thenComparingLong(PlanPublication::getPublishedAt);

    private PlanPublishing() {
    }

    /** No publication yet. */
    public static PlanPublications empty() {
        return new PlanPublications(new ArrayList<>(0));
    }

    /**
     * The publications with one more: {@code version} published at {@code publishedAtMs} (epoch ms, the plan
     * record's timestamp). A publication of the same effective_from at the same instant replaces the earlier one
     * (the same record read twice); one at another instant is kept beside it, because until it was published the
     * earlier one was in force.
     *
     * @param publications the account's publications so far; null means none
     * @return a new value, ordered by effective_from then published_at; the argument is not changed
     */
    public static PlanPublications with(PlanPublications publications, AccountPlan version, long publishedAtMs) {
        List<PlanPublication> all = new ArrayList<>(publications == null ? List.of() : publications.getPublications());
        all.removeIf(existing -> existing.getPublishedAt() == publishedAtMs
                && existing.getPlan().getEffectiveFrom().equals(version.getEffectiveFrom()));
        all.add(new PlanPublication(publishedAtMs, version));
        all.sort(ORDER);
        return new PlanPublications(all);
    }

    /**
     * The plan history as it stood at {@code asOfMs} (epoch ms): for each effective_from, the latest of its
     * publications at or before that instant; versions published later are not there yet.
     *
     * @param publications the account's publications; null means none
     * @return the versions oldest first, as {@link PlanHistories} keeps them; null when none was published by then
     *         (what a join with no plan gives)
     */
    public static PlanHistory asOf(PlanPublications publications, long asOfMs) {
        if (publications == null) {
            return null;
        }
        List<AccountPlan> versions = new ArrayList<>();
        for (PlanPublication publication : publications.getPublications()) {
            if (publication.getPublishedAt() > asOfMs) {
                continue;
            }
            AccountPlan plan = publication.getPlan();
            int last = versions.size() - 1;
            // Ordered by effective_from then published_at: a later publication of the same version replaces it.
            if (last >= 0 && versions.get(last).getEffectiveFrom().equals(plan.getEffectiveFrom())) {
                versions.set(last, plan);
            } else {
                versions.add(plan);
            }
        }
        return versions.isEmpty() ? null : new PlanHistory(versions);
    }
}
