package com.fluxrouter.billing.catalog;

import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.ModelLane;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The served models' lanes of the global store {@value CatalogFlow#MODELS_STORE} as pricing needs them (rule 2: a
 * model in the catalog is priced at its catalog lane), read from the store once per model and change of the store
 * instead of decoding a {@code ModelLane} on every request. The catalog flow's global processor ({@link CatalogStoreUpdate})
 * counts every change it makes to the store; a {@link #cached} reader, one per task on the task's thread, remembers the
 * lanes it read and forgets them all when that count moved since, exactly as {@link RateVersions} does for the rate
 * card. A model not in the catalog is looked up in the store each time and not remembered, so what a reader holds is
 * bounded by the catalog whatever served_model values requests carry.
 *
 * <p>One instance per built topology ({@link CatalogFlow#build}): the global thread that writes the store and the
 * stream threads that price share it, and nothing else does.
 */
public final class ModelLanes {
    private final AtomicLong changes = new AtomicLong();

    ModelLanes() {
    }

    /** Called by the catalog flow after each change to the store, and when its processor starts on a (re)built store. */
    void changed() {
        changes.incrementAndGet();
    }

    /**
     * @param store the task's view of {@value CatalogFlow#MODELS_STORE}
     * @return served model to its catalog lane, or null when the catalog has no such model; read from the store again
     *         only after the catalog flow changed it. Not thread-safe: one reader per processor.
     */
    public Function<String, Lane> cached(ReadOnlyKeyValueStore<String, ValueAndTimestamp<ModelLane>> store) {
        return new Cached(store);
    }

    /**
     * @return served model to its catalog lane, or null, decoded from {@code store} on every call: what pricing did
     *         before the cache, kept so that bench measures the two side by side ({@code flux.intake.model-cache=false})
     */
    public static Function<String, Lane> everyRequest(ReadOnlyKeyValueStore<String, ValueAndTimestamp<ModelLane>> store) {
        return model -> read(store, model);
    }

    /** The catalog validated the entry's lane (CatalogRules.checkModel), so it names a lane. */
    private static Lane read(ReadOnlyKeyValueStore<String, ValueAndTimestamp<ModelLane>> store, String model) {
        ValueAndTimestamp<ModelLane> entry = store.get(model);
        return entry == null ? null : Lane.valueOf(entry.value().getLane());
    }

    private final class Cached implements Function<String, Lane> {
        private final ReadOnlyKeyValueStore<String, ValueAndTimestamp<ModelLane>> store;
        private final Map<String, Lane> lanes = new HashMap<>();
        private long readAt = -1;

        Cached(ReadOnlyKeyValueStore<String, ValueAndTimestamp<ModelLane>> store) {
            this.store = store;
        }

        @Override
        public Lane apply(String model) {
            // The count before the store: a change landing while the store is read moves it again, so the next request
            // reads anew rather than keep a half-seen change.
            long count = changes.get();
            if (count != readAt) {
                lanes.clear();
                readAt = count;
            }
            Lane lane = lanes.get(model);
            if (lane == null) {
                lane = read(store, model);
                if (lane != null) {
                    lanes.put(model, lane);
                }
            }
            return lane;
        }
    }
}
