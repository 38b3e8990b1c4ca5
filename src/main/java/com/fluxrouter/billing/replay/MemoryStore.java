package com.fluxrouter.billing.replay;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A key-value store for replay, which lives as long as the run: keys and values serialized with the store's serdes,
 * as every Kafka Streams store keeps them, in a hash map, or, for a store read by range, sorted by key bytes in
 * {@link SortedChunks}. Kafka Streams' in-memory store keeps a TreeMap of bytes for every store: at a million accepted
 * request ids each lookup walks twenty levels of scattered nodes, a quarter of replay's CPU time in its profile
 * (docs/performance.md).
 *
 * <p>What the metering code sees is what a Kafka Streams store gives it: every put serializes (a value that cannot be
 * serialized fails there), every get deserializes a new object, a null value deletes, a null key is refused;
 * {@link #range} and {@link #all} return the entries ordered by key bytes, bounds inclusive and null for no bound.
 * A RocksDB iterator reads a snapshot; here a sorted store's iterator reads the map as it goes, costing what it
 * returns (the meter's sweep of accepted ids walks a few entries after a key, AcceptedIdSweep), and a write to the
 * store while one is open makes its next read throw {@link IllegalStateException} rather than answer otherwise than
 * RocksDB would. A hash-kept store's iterator is a sorted copy, unaffected by writes. No metrics, changelog or query
 * positions: nothing in replay reads them.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class MemoryStore<K, V> implements KeyValueStore<K, V> {
    private final String name;
    private final Serde<K> keys;
    private final Serde<V> values;
    /** A hash-kept store's entries; null for a sorted store. */
    private final Map<Bytes, byte[]> hashed;
    /** A sorted store's entries; null for a hash-kept store. */
    private final SortedChunks sorted;
    /** Counts writes, so that a sorted store's open iterators can tell they were made before one. */
    private long writes;
    private boolean open;

    /**
     * @param name   the store's name, under which the processors ask for it
     * @param keys   the serde of its keys
     * @param values the serde of its values
     * @param sorted whether it is read by range: then kept sorted by key bytes, so a range costs what it returns;
     *               a hash-kept store answers a range by sorting a copy of its entries
     */
    MemoryStore(String name, Serde<K> keys, Serde<V> values, boolean sorted) {
        this.name = name;
        this.keys = keys;
        this.values = values;
        this.hashed = sorted ? null : new HashMap<>();
        this.sorted = sorted ? new SortedChunks() : null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        open = true;
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public V get(K key) {
        byte[] bytes = keyBytes(key);
        return value(sorted != null ? sorted.get(bytes) : hashed.get(Bytes.wrap(bytes)));
    }

    @Override
    public void put(K key, V value) {
        byte[] bytes = keyBytes(key);
        byte[] serialized = values.serializer().serialize(name, value);
        writes++;
        if (serialized == null) {
            remove(bytes);
        } else if (sorted != null) {
            sorted.put(bytes, serialized);
        } else {
            hashed.put(Bytes.wrap(bytes), serialized);
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V existing = get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> pairs) {
        pairs.forEach(pair -> put(pair.key, pair.value));
    }

    @Override
    public V delete(K key) {
        writes++;
        return value(remove(keyBytes(key)));
    }

    private byte[] remove(byte[] key) {
        return sorted != null ? sorted.remove(key) : hashed.remove(Bytes.wrap(key));
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        byte[] low = from == null ? null : keyBytes(from);
        byte[] high = to == null ? null : keyBytes(to);
        if (low != null && high != null && Arrays.compareUnsigned(low, high) > 0) {
            return new Snapshot(List.of());
        }
        if (sorted != null) {
            return new Live(low, high);
        }
        List<Map.Entry<Bytes, byte[]>> matching = copy(hashed.entrySet(), low == null ? null : Bytes.wrap(low),
                high == null ? null : Bytes.wrap(high));
        matching.sort(Map.Entry.comparingByKey());
        return new Snapshot(matching);
    }

    /** The entries within the bounds (null: none), copied, so that later writes do not reach them. */
    private static List<Map.Entry<Bytes, byte[]>> copy(Iterable<Map.Entry<Bytes, byte[]>> from, Bytes low, Bytes high) {
        List<Map.Entry<Bytes, byte[]>> copied = new ArrayList<>();
        for (Map.Entry<Bytes, byte[]> entry : from) {
            if ((low == null || entry.getKey().compareTo(low) >= 0) && (high == null || entry.getKey().compareTo(high) <= 0)) {
                copied.add(Map.entry(entry.getKey(), entry.getValue()));
            }
        }
        return copied;
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return range(null, null);
    }

    @Override
    public long approximateNumEntries() {
        return sorted != null ? sorted.size() : hashed.size();
    }

    private byte[] keyBytes(K key) {
        Objects.requireNonNull(key, "key cannot be null");
        return keys.serializer().serialize(name, key);
    }

    private V value(byte[] bytes) {
        return bytes == null ? null : values.deserializer().deserialize(name, bytes);
    }

    /** A sorted store's entries read as the iterator goes; any write to the store after it was made fails it. */
    private final class Live implements KeyValueIterator<K, V> {
        private final byte[] high;
        private final long writesAtStart = writes;
        /** The next entry's position in {@link #sorted}, or {@link SortedChunks#END} past the last within bounds. */
        private long position;

        /** @param low the least key, null for none; @param high the greatest key, null for none */
        Live(byte[] low, byte[] high) {
            this.high = high;
            this.position = bounded(sorted.first(low));
        }

        @Override
        public boolean hasNext() {
            unchanged();
            return position != SortedChunks.END;
        }

        @Override
        public KeyValue<K, V> next() {
            long at = take();
            return KeyValue.pair(keys.deserializer().deserialize(name, sorted.key(at)), value(sorted.value(at)));
        }

        @Override
        public K peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return keys.deserializer().deserialize(name, sorted.key(position));
        }

        private long take() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            long at = position;
            position = bounded(sorted.next(at));
            return at;
        }

        private long bounded(long at) {
            return at == SortedChunks.END || (high != null && Arrays.compareUnsigned(sorted.key(at), high) > 0)
                    ? SortedChunks.END : at;
        }

        private void unchanged() {
            if (writes != writesAtStart) {
                throw new IllegalStateException("store " + name + " was written while an iterator over it was open;"
                        + " a RocksDB iterator would read the snapshot of when it was made");
            }
        }

        @Override
        public void close() {
            // Nothing held.
        }
    }

    /** Entries copied when the iterator was made, deserialized as they are read. */
    private final class Snapshot implements KeyValueIterator<K, V> {
        private final List<Map.Entry<Bytes, byte[]>> taken;
        private int next;

        Snapshot(List<Map.Entry<Bytes, byte[]>> taken) {
            this.taken = taken;
        }

        @Override
        public boolean hasNext() {
            return next < taken.size();
        }

        @Override
        public KeyValue<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Map.Entry<Bytes, byte[]> entry = taken.get(next++);
            return KeyValue.pair(keys.deserializer().deserialize(name, entry.getKey().get()), value(entry.getValue()));
        }

        @Override
        public K peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return keys.deserializer().deserialize(name, taken.get(next).getKey().get());
        }

        @Override
        public void close() {
            // Nothing held: the entries were copied.
        }
    }
}
