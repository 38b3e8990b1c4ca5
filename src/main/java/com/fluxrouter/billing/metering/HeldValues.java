package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.caching.SecondTouchCache;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A meter store read and written through this class, with the values read again also held as objects: the accounts'
 * last emitted spend statuses ({@value MeteringFlow#STATUS_STORE}, rule 12) and the account-months
 * ({@value MeteringFlow#MONTHS_STORE}). Every request reads its account's month and last status, and reading them
 * back from the store meant an Avro decode of each per request (docs/performance.md).
 *
 * <p>A value is held from the second time its key is read and not found held ({@link SecondTouchCache}): an
 * account-month or status read once (at a million accounts, most are) is decoded from the store and never held, while
 * at a thousand accounts each is held from its account's second request on. A write refreshes a held value and holds
 * nothing new. The objects are exactly what the store holds, because every write of the store goes through
 * {@link #put} and {@link #delete}, and a task's store only changes otherwise before its processors are initialised
 * (restoration) or after they are closed: Kafka Streams initialises the processor again after a task is revived from
 * an aborted transaction, and the meter makes new instances of this class there, so nothing held survives a
 * rollback. The values are never changed once written: the metering step changes a copy of a month
 * ({@link MeterStep#ledger}) and builds a new status for each emission. Memory: at most {@code capacity} entries per
 * task and store, and a bit set of 16 bits per entry.
 *
 * @param <V> the store's values
 */
final class HeldValues<V> {
    private final KeyValueStore<String, V> store;
    private final SecondTouchCache<V> held;

    /**
     * @param store    the task's store
     * @param capacity how many values to hold as objects, the least recently used let go first; 0 holds
     *                 none (every read decodes from the store)
     */
    HeldValues(KeyValueStore<String, V> store, int capacity) {
        this.store = store;
        this.held = capacity == 0 ? null : new SecondTouchCache<>(capacity);
    }

    /** The value under the key, or null if the store has none. */
    V get(String key) {
        if (held == null) {
            return store.get(key);
        }
        V value = held.get(key);
        if (value != null) {
            return value;
        }
        V stored = store.get(key);
        if (held.missed(key) && stored != null) {
            held.hold(key, stored);
        }
        return stored;
    }

    /** Writes the value to the store, then refreshes it if held (a store failure leaves the old value held). */
    void put(String key, V value) {
        store.put(key, value);
        if (held != null) {
            held.refresh(key, value);
        }
    }

    /** Deletes the key from the store, then from what is held (a store failure leaves the old value held). */
    void delete(String key) {
        store.delete(key);
        if (held != null) {
            held.forget(key);
        }
    }
}
