package com.fluxrouter.billing.plans;

import com.fluxrouter.billing.caching.SecondTouchCache;
import com.fluxrouter.billing.schema.state.PlanHistory;
import com.fluxrouter.billing.schema.state.PlanPublications;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads an account's plan history as it stood at an instant from the {@value PlanFlow#PUBLICATIONS_STORE} global
 * store (rule 6, "Production order"). The metering side asks it at the record timestamp of the request being
 * metered, so a re-run sees exactly the plan versions that had been published when the request was.
 *
 * <p>One instance per built topology: the store's global processor ({@link PublicationFold}) counts every change it
 * makes to the store, and a {@link #cached} reader, one per task on the task's thread, holds the accounts'
 * publications it decoded and forgets them all when that count moved since, as the catalog's readers do
 * ({@code catalog.ModelLanes}). Plans change seldom and requests come often, so a request's plans are read from the
 * store about twice per account and plan change instead of decoded on every request: an account's publications (or
 * that it has none) are held from the second request that reads them ({@link SecondTouchCache}), so an account read
 * once, as most are at a million accounts, is never held.
 */
public final class PublishedPlans {
    private final AtomicLong changes = new AtomicLong();

    /** Made once per topology, shared by the publications' global processor and the tasks that read the store. */
    public PublishedPlans() {
    }

    /**
     * Called by whatever changes the store, after each change: the global processor (and when it starts on a
     * (re)built store), and replay's engine, which folds plans into its own copy of the store.
     */
    public void changed() {
        changes.incrementAndGet();
    }

    /**
     * @param store   the task's view of {@value PlanFlow#PUBLICATIONS_STORE}
     * @param entries how many accounts' publications to hold, the least recently used let go first; 0
     *                reads the store on every call ({@link #everyRequest})
     * @return a reader for one processor; not thread-safe
     * @throws IllegalArgumentException when entries is negative
     */
    public Reader cached(ReadOnlyKeyValueStore<String, PlanPublications> store, int entries) {
        if (entries < 0) {
            throw new IllegalArgumentException("entries must not be negative: " + entries);
        }
        return entries == 0 ? everyRequest(store) : new Cached(store, entries);
    }

    /**
     * @param store the {@value PlanFlow#PUBLICATIONS_STORE} store, from a processor context
     * @return a reader that decodes the account's publications from the store on every call
     */
    public static Reader everyRequest(ReadOnlyKeyValueStore<String, PlanPublications> store) {
        return (account, asOfMs) -> PlanPublishing.asOf(store.get(account), asOfMs);
    }

    /** An account's plan history as it stood at an instant. */
    @FunctionalInterface
    public interface Reader {
        /**
         * @param account the account id
         * @param asOfMs  the instant (epoch ms) whose knowledge counts: the record timestamp of the request, or the
         *                instant a month closes
         * @return the versions published by then, oldest effective_from first (a new list of the stored versions,
         *         which callers must not change); null when none was
         */
        PlanHistory asOf(String account, long asOfMs);
    }

    private final class Cached implements Reader {
        private final ReadOnlyKeyValueStore<String, PlanPublications> store;
        private final SecondTouchCache<Optional<PlanPublications>> held;
        private long readAt = -1;

        Cached(ReadOnlyKeyValueStore<String, PlanPublications> store, int entries) {
            this.store = store;
            this.held = new SecondTouchCache<>(entries);
        }

        @Override
        public PlanHistory asOf(String account, long asOfMs) {
            // The count before the store: a change landing while the store is read moves it again, so the next call
            // reads anew rather than keep a half-seen change.
            long count = changes.get();
            if (count != readAt) {
                held.clear();
                readAt = count;
            }
            Optional<PlanPublications> publications = held.get(account);
            if (publications == null) {
                publications = Optional.ofNullable(store.get(account));
                if (held.missed(account)) {
                    held.hold(account, publications);
                }
            }
            return PlanPublishing.asOf(publications.orElse(null), asOfMs);
        }
    }
}
