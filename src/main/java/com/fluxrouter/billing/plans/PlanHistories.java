package com.fluxrouter.billing.plans;

import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.state.PlanHistory;

import java.util.ArrayList;
import java.util.List;

/** Folding plan versions into an account's history; plain Java. */
public final class PlanHistories {
    private PlanHistories() {
    }

    public static PlanHistory empty() {
        return new PlanHistory(new ArrayList<>(0));
    }

    /** The history with the version added, replacing a version with the same effective_from, oldest first. */
    public static PlanHistory with(PlanHistory history, AccountPlan version) {
        List<AccountPlan> versions = new ArrayList<>(history.getVersions().size() + 1);
        boolean placed = false;
        for (AccountPlan existing : history.getVersions()) {
            int order = existing.getEffectiveFrom().compareTo(version.getEffectiveFrom());
            if (!placed && order >= 0) {
                versions.add(version);
                placed = true;
            }
            if (order != 0) {
                versions.add(existing);
            }
        }
        if (!placed) {
            versions.add(version);
        }
        return new PlanHistory(versions);
    }
}
