package com.fluxrouter.billing.catalog;

import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The rate-card versions of the global store {@value CatalogFlow#RATES_STORE} as pricing needs them (rule 2: every
 * valid version, for the one in force at completed_at), decoded from the store once per change of the store instead of
 * on every request. The catalog flow's global processor counts every change it makes to the store; a {@link #cached}
 * reader, one per task on the task's thread, decodes the store again only when that count moved since its last
 * decode, and otherwise hands out the versions it decoded then. So a request is priced against the same versions it
 * would have read from the store at that moment: a change counts once it is in the store, exactly when a read of the
 * store would have seen it.
 *
 * <p>One instance per built topology ({@link CatalogFlow#build}): the global thread that writes the store and the
 * stream threads that price share it, and nothing else does.
 */
public final class RateVersions {
    private final AtomicLong changes = new AtomicLong();

    RateVersions() {
    }

    /** Called by the catalog flow after each change to the store, and when its processor starts on a (re)built store. */
    void changed() {
        changes.incrementAndGet();
    }

    /**
     * @param store the task's view of {@value CatalogFlow#RATES_STORE}
     * @return every valid rate version in the store, decoded again only after the catalog flow changed the store; the
     *         list returned is not modified afterwards. Not thread-safe: one reader per processor.
     */
    public Supplier<List<Rate>> cached(ReadOnlyKeyValueStore<LaneRateKey, ValueAndTimestamp<LaneRate>> store) {
        return new Cached(store);
    }

    /**
     * @return every valid rate version in {@code store}, decoded on every call: what pricing did before the cache, kept
     *         so that bench measures the two side by side ({@code flux.intake.rate-cache=false})
     */
    public static Supplier<List<Rate>> everyRequest(ReadOnlyKeyValueStore<LaneRateKey, ValueAndTimestamp<LaneRate>> store) {
        return () -> decode(store);
    }

    /** The rate card is a handful of versions: a scan, in the store's key order. */
    private static List<Rate> decode(ReadOnlyKeyValueStore<LaneRateKey, ValueAndTimestamp<LaneRate>> store) {
        List<Rate> versions = new ArrayList<>();
        try (KeyValueIterator<LaneRateKey, ValueAndTimestamp<LaneRate>> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<LaneRateKey, ValueAndTimestamp<LaneRate>> next = all.next();
                versions.add(CatalogRules.toRate(next.value.value()));
            }
        }
        return versions;
    }

    private final class Cached implements Supplier<List<Rate>> {
        private final ReadOnlyKeyValueStore<LaneRateKey, ValueAndTimestamp<LaneRate>> store;
        private long decodedAt = -1;
        private List<Rate> versions = List.of();

        Cached(ReadOnlyKeyValueStore<LaneRateKey, ValueAndTimestamp<LaneRate>> store) {
            this.store = store;
        }

        @Override
        public List<Rate> get() {
            // The count before the store: a change landing while the store is decoded moves it again, so the next
            // request decodes anew rather than keep a half-seen change.
            long count = changes.get();
            if (count != decodedAt) {
                versions = decode(store);
                decodedAt = count;
            }
            return versions;
        }
    }
}
