package com.fluxrouter.billing.replay;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.metering.MeteringFlow;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.fluxrouter.billing.schema.state.PlanPublications;
import com.fluxrouter.billing.serde.Serdes;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * The stores replay runs the meter on: each store {@link MeteringFlow#stores} declares, under its name and with the
 * serdes the topology gives it, as a {@link MemoryStore} (sorted only where the meter reads by range: the deadline
 * index and the accepted ids, which its sweep walks), and the plan publications, which the topology keeps in a global store. ReplayStoresTest holds each
 * {@link #layout} to the topology's store: the same key and value are the same bytes in both.
 */
final class ReplayStores {
    private ReplayStores() {
    }

    /**
     * How replay keeps one store.
     *
     * @param keys   the serde of its keys, the topology's
     * @param values the serde of its values, the topology's
     * @param sorted whether the meter reads it by range
     */
    record Layout<K, V>(Serde<K> keys, Serde<V> values, boolean sorted) {
        MemoryStore<K, V> store(String name) {
            return new MemoryStore<>(name, keys, values, sorted);
        }
    }

    /**
     * One task's meter stores, in {@link MeteringFlow#stores}'s order, not yet initialised.
     *
     * @throws IllegalStateException when the meter declares a store replay does not know
     */
    static List<StateStore> meter(BillingConfig config, Serdes serdes) {
        List<StateStore> stores = new ArrayList<>();
        for (StoreBuilder<?> builder : MeteringFlow.stores(config, serdes)) {
            stores.add(layout(builder.name(), serdes).store(builder.name()));
        }
        return stores;
    }

    /** The layout of the plan publications, the topology's global store {@value PlanFlow#PUBLICATIONS_STORE}. */
    static Layout<String, PlanPublications> planPublications(Serdes serdes) {
        return new Layout<>(serdes.string(), serdes.internal(PlanPublications.class), false);
    }

    /**
     * The layout of one of the meter's stores.
     *
     * @throws IllegalStateException for a store replay does not know: a store added to the meter must be added here
     */
    static Layout<?, ?> layout(String name, Serdes serdes) {
        return switch (name) {
            // The meter's sweep walks the ids in key order (AcceptedIdSweep).
            case MeteringFlow.REQUEST_IDS_STORE ->
                    new Layout<>(serdes.string(), org.apache.kafka.common.serialization.Serdes.Long(), true);
            case MeteringFlow.CLOCK_STORE ->
                    new Layout<>(serdes.string(), org.apache.kafka.common.serialization.Serdes.Long(), false);
            case MeteringFlow.MONTHS_STORE -> new Layout<>(serdes.string(), serdes.internal(MonthLedger.class), false);
            case MeteringFlow.DEADLINES_STORE -> new Layout<>(org.apache.kafka.common.serialization.Serdes.Bytes(),
                    org.apache.kafka.common.serialization.Serdes.ByteArray(), true);
            case MeteringFlow.STATUS_STORE -> new Layout<>(serdes.string(), serdes.internal(SpendStatus.class), false);
            default -> throw new IllegalStateException("the meter has a store replay does not know: " + name
                    + "; add it to ReplayStores with the serdes MeteringFlow gives it");
        };
    }
}
