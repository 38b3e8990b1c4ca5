package com.fluxrouter.billing.caching;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A key-value store layer that holds what a task writes as objects until the task commits, then writes each key it
 * changed once, with its last value, to the store below: in place of Kafka Streams' record cache, which holds
 * serialized bytes in a sorted map and so encodes every value at every put and looks every key up in that map
 * (docs/performance.md, "What was changed"). The store below (metered, change-logging, RocksDB or in memory, no record
 * cache) sees the same puts and deletes the record cache would have flushed to it, so the state, its changelog and
 * their formats are the same with this layer or without it.
 *
 * <p>The write happens where the record cache's does: Kafka Streams calls {@link #flushCache()} on every task store
 * that is a {@code CachedStateStore} before it commits the task's transaction (and before a task is suspended or
 * closed cleanly), so the changelog records of a commit's writes are in that commit's transaction. That interface is
 * Kafka Streams' internal one, as is {@link WrappedStateStore}: WriteBehindChangelogTest (a task's commits and
 * changelog) and CrashRecoveryIT (a pipeline killed mid-stream loses an account's usage) fail if a Kafka Streams
 * version stops calling it. The changelog records written then carry the timestamp of the task's record context at
 * that moment: the last record or punctuation the task processed (the record cache gives each the timestamp of the
 * record that wrote it); nothing reads the timestamps of these stores' changelogs.
 *
 * <p>Writes held when the task is closed without a commit (a failure, an aborted transaction) are dropped at
 * {@link #close()}, at {@link #clearCache()} and at {@link #init}, or written into the transaction that Kafka Streams
 * then aborts (a dirty close flushes first, and wipes the state under exactly-once): as with the record cache.
 * A {@link #commit} of the store (Kafka Streams' checkpoint) writes what is held first, as the record cache's does.
 * More than {@code capacity} keys changed within one commit are written early, all at once (as the record cache
 * evicts when it is full).
 *
 * <p>Point reads ({@link #get}, and a {@link KeyQuery} of the query API) see the held writes from any thread
 * (interactive queries included), as they saw the record cache's entries; range reads,
 * {@link #approximateNumEntries()} and other queries see the store below only, which lags the held writes until the
 * commit: nothing in the pipeline reads these stores by range on the stream thread.
 * Writes only from the task's stream thread. The value objects themselves are held, written at the commit and
 * returned to readers: a value must not be changed once put (the record cache encoded it at the put).
 *
 * @param <K> the store's keys
 * @param <V> the store's values
 */
public final class WriteBehindStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V>
        implements KeyValueStore<K, V> {
    /** Stands for a held delete: a concurrent map holds no null values. */
    private static final Object DELETED = new Object();

    private final int capacity;
    /** Key to its last value written (or {@link #DELETED}) since the last flush; read by any thread. */
    private final Map<K, Object> held = new ConcurrentHashMap<>();
    /** The held keys in the order they were first written since the last flush (stream thread only). */
    private final List<K> order = new ArrayList<>();

    /**
     * @param below    the store the held writes go to at the commit: metered, with no record cache
     * @param capacity how many changed keys to hold at most before writing them all early; at least 1
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    public WriteBehindStore(KeyValueStore<K, V> below, int capacity) {
        super(below);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        drop();
        super.init(context, root);
    }

    /** The value last written under the key, held or in the store below; null if none or deleted. */
    @Override
    @SuppressWarnings("unchecked")
    public V get(K key) {
        Object value = held.get(key);
        if (value == DELETED) {
            return null;
        }
        return value != null ? (V) value : wrapped().get(key);
    }

    /** Holds the value (null: a delete) until the commit. */
    @Override
    public void put(K key, V value) {
        hold(key, value == null ? DELETED : value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        for (KeyValue<K, V> entry : entries) {
            put(entry.key, entry.value);
        }
    }

    /** Holds a delete of the key until the commit; returns its value before (read as {@link #get} does). */
    @Override
    public V delete(K key) {
        V before = get(key);
        hold(key, DELETED);
        return before;
    }

    private void hold(K key, Object value) {
        Objects.requireNonNull(key, "key");
        if (held.put(key, value) == null) {
            order.add(key);
            if (order.size() > capacity) {
                writeHeld();
            }
        }
    }

    /** Writes every held key's last value to the store below, in the order the keys were first written: the commit. */
    @Override
    public void flushCache() {
        writeHeld();
        super.flushCache();
    }

    @SuppressWarnings("unchecked")
    private void writeHeld() {
        for (K key : order) {
            Object value = held.get(key);
            if (value == null) {
                // Written by an earlier flush that failed after it (a key written again since is listed twice).
                continue;
            }
            if (value == DELETED) {
                wrapped().delete(key);
            } else {
                wrapped().put(key, (V) value);
            }
            // Removed only once below, so a reader on another thread finds the value in one place or the other.
            held.remove(key);
        }
        order.clear();
    }

    /** Drops what is held: a close without a commit. */
    @Override
    public void clearCache() {
        drop();
        super.clearCache();
    }

    /** Writes what is held, then commits the store below: what Kafka Streams' record cache does at this call too. */
    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        writeHeld();
        super.commit(changelogOffsets);
    }

    @Override
    public void close() {
        drop();
        super.close();
    }

    private void drop() {
        held.clear();
        order.clear();
    }

    /**
     * A key query ({@link KeyQuery}, the query API's point read) answers with the held value of its key, if any, as
     * {@link #get} does and as the record cache answered from its entries. The held value is looked up before the
     * store below is asked, so a commit between the two cannot answer with the value before it. The answer carries the
     * store below's position, which may lag the held writes (the record cache merged its own), and a position bound is
     * checked against the store below only. A key query that skips the cache, and any other query, goes to the store
     * below and sees none of the held writes; a failure of the store below is the answer.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        Object value = query instanceof KeyQuery<?, ?> keyQuery && !keyQuery.isSkipCache()
                ? held.get(keyQuery.getKey()) : null;
        QueryResult<R> below = super.query(query, positionBound, config);
        if (value == null || !below.isSuccess()) {
            return below;
        }
        QueryResult<R> answer = QueryResult.forResult(value == DELETED ? null : (R) value);
        answer.setPosition(below.getPosition());
        if (config.isCollectExecutionInfo()) {
            below.getExecutionInfo().forEach(answer::addExecutionInfo);
            answer.addExecutionInfo("Answered from the writes " + getClass().getSimpleName() + " holds");
        }
        return answer;
    }

    /** The store below's entries: not the held writes. */
    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        return wrapped().range(from, to);
    }

    /** The store below's entries: not the held writes. */
    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        return wrapped().reverseRange(from, to);
    }

    /** The store below's entries: not the held writes. */
    @Override
    public KeyValueIterator<K, V> all() {
        return wrapped().all();
    }

    /** The store below's entries: not the held writes. */
    @Override
    public KeyValueIterator<K, V> reverseAll() {
        return wrapped().reverseAll();
    }

    /** The store below's entries: not the held writes. */
    @Override
    public <S extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, S prefixKeySerializer) {
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    /** The store below's estimate: not the held writes. */
    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }
}
