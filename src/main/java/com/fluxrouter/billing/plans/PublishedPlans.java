package com.fluxrouter.billing.plans;

import com.fluxrouter.billing.schema.state.PlanHistory;
import com.fluxrouter.billing.schema.state.PlanPublications;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads an account's plan history as it stood at an instant from the {@value PlanFlow#PUBLICATIONS_STORE} global
 * store (rule 6, "Production order"). The metering side asks it at the record timestamp of the request being
 * metered, so a re-run sees exactly the plan versions that had been published when the request was.
 */
public final class PublishedPlans {
    private final ReadOnlyKeyValueStore<String, PlanPublications> store;

    private PublishedPlans(ReadOnlyKeyValueStore<String, PlanPublications> store) {
        this.store = store;
    }

    /** @param store the {@value PlanFlow#PUBLICATIONS_STORE} store, from a processor context */
    public static PublishedPlans of(ReadOnlyKeyValueStore<String, PlanPublications> store) {
        return new PublishedPlans(store);
    }

    /**
     * @param account the account id
     * @param asOfMs  the instant (epoch ms) whose knowledge counts: the record timestamp of the request, or the
     *                instant a month closes
     * @return the versions published by then, oldest effective_from first; null when none was
     */
    public PlanHistory asOf(String account, long asOfMs) {
        return PlanPublishing.asOf(store.get(account), asOfMs);
    }
}
