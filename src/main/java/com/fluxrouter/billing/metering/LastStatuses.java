package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.schema.SpendStatus;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each account's last emitted spend status (rule 12), read and written through the task's
 * {@value MeteringFlow#STATUS_STORE} store, with the most recently used ones also held as objects. Every request
 * compares its account's new status with the last one (the held-back check of rule 12), and reading it back from the
 * store meant an Avro decode of ten fields, four of them decimals, per request (docs/performance.md).
 *
 * <p>The objects are exactly what the store holds, because every write of the store goes through {@link #put} and a
 * task's store only changes otherwise before its processors are initialised (restoration) or after they are closed:
 * Kafka Streams initialises the processor again after a task is revived from an aborted transaction, and the meter
 * makes a new instance of this class there, so nothing held survives a rollback. The statuses are never mutated
 * (the metering step builds a new one for each emission). Memory: at most {@code capacity} entries per task, about
 * a kibibyte of heap each.
 */
final class LastStatuses {
    private final KeyValueStore<String, SpendStatus> store;
    private final Map<String, SpendStatus> recent;

    /**
     * @param store    the task's {@value MeteringFlow#STATUS_STORE} store, account id to its last spend status
     * @param capacity how many accounts' statuses to hold as objects, the least recently used going first; 0 holds
     *                 none (every read decodes from the store)
     */
    LastStatuses(KeyValueStore<String, SpendStatus> store, int capacity) {
        this.store = store;
        this.recent = capacity == 0 ? null : new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SpendStatus> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The account's last emitted spend status, or null if it has none. */
    SpendStatus get(String accountId) {
        if (recent == null) {
            return store.get(accountId);
        }
        SpendStatus held = recent.get(accountId);
        if (held != null) {
            return held;
        }
        SpendStatus stored = store.get(accountId);
        if (stored != null) {
            recent.put(accountId, stored);
        }
        return stored;
    }

    /** Writes the account's new last status to the store, then holds it (a store failure leaves nothing held). */
    void put(String accountId, SpendStatus status) {
        store.put(accountId, status);
        if (recent != null) {
            recent.put(accountId, status);
        }
    }
}
