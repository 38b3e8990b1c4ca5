package com.fluxrouter.billing.metering;

import org.apache.kafka.streams.state.KeyValueStore;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A meter store read and written through this class, with its most recently used values also held as objects: the
 * accounts' last emitted spend statuses ({@value MeteringFlow#STATUS_STORE}, rule 12) and the account-months
 * ({@value MeteringFlow#MONTHS_STORE}). Every request reads its account's month and last status, and reading them
 * back from the store meant an Avro decode of each per request (docs/performance.md).
 *
 * <p>The objects are exactly what the store holds, because every write of the store goes through {@link #put} and
 * {@link #delete}, and a task's store only changes otherwise before its processors are initialised (restoration) or
 * after they are closed: Kafka Streams initialises the processor again after a task is revived from an aborted
 * transaction, and the meter makes new instances of this class there, so nothing held survives a rollback. The
 * values are never changed once written: the metering step changes a copy of a month ({@link MeterStep#ledger}) and
 * builds a new status for each emission. Memory: at most {@code capacity} entries per task and store.
 *
 * @param <V> the store's values
 */
final class HeldValues<V> {
    private final KeyValueStore<String, V> store;
    private final Map<String, V> recent;

    /**
     * @param store    the task's store
     * @param capacity how many values to hold as objects, the least recently used going first; 0 holds none (every
     *                 read decodes from the store)
     */
    HeldValues(KeyValueStore<String, V> store, int capacity) {
        this.store = store;
        this.recent = capacity == 0 ? null : new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The value under the key, or null if the store has none. */
    V get(String key) {
        if (recent == null) {
            return store.get(key);
        }
        V held = recent.get(key);
        if (held != null) {
            return held;
        }
        V stored = store.get(key);
        if (stored != null) {
            recent.put(key, stored);
        }
        return stored;
    }

    /** Writes the value to the store, then holds it (a store failure leaves nothing held). */
    void put(String key, V value) {
        store.put(key, value);
        if (recent != null) {
            recent.put(key, value);
        }
    }

    /** Deletes the key from the store, then from what is held (a store failure leaves the old value held). */
    void delete(String key) {
        store.delete(key);
        if (recent != null) {
            recent.remove(key);
        }
    }
}
