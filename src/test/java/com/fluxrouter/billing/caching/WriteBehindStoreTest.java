package com.fluxrouter.billing.caching;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Writes held as objects until the commit: read back at once, written below once per key with the last value, in the
 * order first written, early when more keys than the capacity changed, dropped by a close without a commit.
 */
class WriteBehindStoreTest {
    private final List<String> below = new ArrayList<>();
    private Recording recording;
    private WriteBehindStore<String, Long> store;

    @BeforeEach
    void open() {
        open(100);
    }

    private void open(int capacity) {
        KeyValueStore<String, Long> memory = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("s"),
                Serdes.String(), Serdes.Long()).withLoggingDisabled().withCachingDisabled().build();
        recording = new Recording(memory, below);
        store = new WriteBehindStore<>(recording, capacity);
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    @Test
    void aWriteIsReadBackAtOnceAndReachesTheStoreBelowOnlyAtTheCommit() {
        store.put("a", 1L);

        assertThat(store.get("a")).isEqualTo(1L);
        assertThat(recording.get("a")).isNull();
        assertThat(below).isEmpty();

        store.flushCache();

        assertThat(below).containsExactly("put a=1");
        assertThat(recording.get("a")).isEqualTo(1L);
        assertThat(store.get("a")).isEqualTo(1L);
    }

    @Test
    void aKeyWrittenManyTimesWithinACommitIsWrittenBelowOnceWithItsLastValueInTheOrderKeysWereFirstWritten() {
        store.put("b", 1L);
        store.put("a", 1L);
        store.put("b", 2L);
        store.put("c", 1L);
        store.delete("c");
        store.put("b", 3L);

        store.flushCache();

        assertThat(below).containsExactly("put b=3", "put a=1", "delete c");
        assertThat(store.get("b")).isEqualTo(3L);
        assertThat(store.get("c")).isNull();
    }

    @Test
    void aHeldDeleteHidesTheValueBelowUntilTheCommitDeletesIt() {
        store.put("a", 1L);
        store.flushCache();
        below.clear();

        assertThat(store.delete("a")).isEqualTo(1L);

        assertThat(store.get("a")).isNull();
        assertThat(recording.get("a")).isEqualTo(1L);
        assertThat(store.putIfAbsent("a", 2L)).isNull();
        assertThat(store.putIfAbsent("a", 3L)).isEqualTo(2L);
        store.flushCache();
        assertThat(below).containsExactly("put a=2");
    }

    @Test
    void aPutOfNullIsADelete() {
        store.put("a", 1L);
        store.flushCache();
        below.clear();

        store.put("a", null);

        assertThat(store.get("a")).isNull();
        store.flushCache();
        assertThat(below).containsExactly("delete a");
        assertThat(recording.get("a")).isNull();
    }

    @Test
    void aCloseWithoutACommitDropsWhatIsHeldAsAnAbortedTransactionWould() {
        store.put("a", 1L);
        store.flushCache();
        store.put("a", 2L);
        store.put("b", 1L);

        store.close();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        store.flushCache();

        assertThat(below).containsExactly("put a=1");
        assertThat(store.get("b")).isNull();
    }

    @Test
    void anInitDropsWhatIsHeldEvenWithoutAClose() {
        store.put("a", 1L);

        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        store.flushCache();

        assertThat(below).isEmpty();
        assertThat(store.get("a")).isNull();
    }

    @Test
    void aCloseDropsWhatIsHeld() {
        store.put("a", 1L);

        store.close();

        assertThat(store.get("a")).isNull();
        assertThat(below).isEmpty();
    }

    @Test
    void clearingTheCacheDropsWhatIsHeld() {
        store.put("a", 1L);

        store.clearCache();
        store.flushCache();

        assertThat(store.get("a")).isNull();
        assertThat(below).isEmpty();
    }

    @Test
    void aCommitOfTheStoreWritesWhatIsHeldFirst() {
        store.put("a", 1L);

        store.commit(Map.of());

        assertThat(below).containsExactly("put a=1");
    }

    @Test
    void moreChangedKeysThanTheCapacityAreWrittenEarlyAllAtOnce() {
        open(2);
        store.put("a", 1L);
        store.put("b", 1L);
        store.put("a", 2L);
        assertThat(below).isEmpty();

        store.put("c", 1L);

        assertThat(below).containsExactly("put a=2", "put b=1", "put c=1");
        store.flushCache();
        assertThat(below).hasSize(3);
    }

    @Test
    void aFlushRetriedAfterAFailurePartwayWritesTheRestAndDeletesNothingItWroteBefore() {
        store.put("a", 1L);
        store.put("b", 1L);
        recording.failNextPutOf = "b";
        assertThatThrownBy(store::flushCache).isInstanceOf(IllegalStateException.class);
        store.put("a", 2L);

        store.flushCache();

        assertThat(below).containsExactly("put a=1", "put a=2", "put b=1");
        assertThat(recording.get("a")).isEqualTo(2L);
        assertThat(recording.get("b")).isEqualTo(1L);
    }

    @Test
    void aKeyQueryAnswersWithTheHeldValueUnlessItSkipsTheCache() {
        store.put("a", 1L);
        store.put("b", 1L);
        store.flushCache();
        store.put("a", 2L);
        store.delete("b");

        assertThat(keyQuery("a", false)).isEqualTo(2L);
        assertThat(keyQuery("b", false)).isNull();
        assertThat(keyQuery("a", true)).isEqualTo(1L);
        assertThat(keyQuery("b", true)).isEqualTo(1L);
        store.flushCache();
        assertThat(keyQuery("a", true)).isEqualTo(2L);
    }

    @Test
    void aKeyQueryRacingACommitNeverAnswersWithTheValueBeforeIt() {
        store.put("a", 1L);
        store.flushCache();
        store.put("a", 2L);
        recording.afterNextQuery = store::flushCache;

        assertThat(keyQuery("a", false)).isEqualTo(2L);
        assertThat(below).containsExactly("put a=1", "put a=2");
    }

    private Long keyQuery(String key, boolean skipCache) {
        KeyQuery<String, Long> query = KeyQuery.withKey(key);
        QueryResult<Long> result = store.query(skipCache ? query.skipCache() : query, PositionBound.unbounded(),
                new QueryConfig(false));
        assertThat(result.isSuccess()).as(result.toString()).isTrue();
        return result.getResult();
    }

    @Test
    void anotherThreadReadsTheHeldValue() throws Exception {
        store.put("a", 7L);

        assertThat(CompletableFuture.supplyAsync(() -> store.get("a")).get()).isEqualTo(7L);
    }

    @Test
    void rangeReadsSeeTheStoreBelowOnly() {
        store.put("a", 1L);
        store.flushCache();
        store.put("b", 2L);

        List<String> seen = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = store.all()) {
            all.forEachRemaining(entry -> seen.add(entry.key + "=" + entry.value));
        }

        assertThat(seen).containsExactly("a=1");
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        assertThatThrownBy(() -> new WriteBehindStore<>(recording, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }

    /** The store below, recording each put and delete that reaches it. */
    private static final class Recording extends WrappedStateStore<KeyValueStore<String, Long>, String, Long>
            implements KeyValueStore<String, Long> {
        private final List<String> log;
        /** A key whose next put fails (once), as a store or changelog failure at the commit would. */
        String failNextPutOf;
        /** Run once, after the next query has read this store and before it answers: a commit between two reads. */
        Runnable afterNextQuery;

        @Override
        public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
            QueryResult<R> result = wrapped().query(query, positionBound, config);
            Runnable after = afterNextQuery;
            afterNextQuery = null;
            if (after != null) {
                after.run();
            }
            return result;
        }

        Recording(KeyValueStore<String, Long> store, List<String> log) {
            super(store);
            this.log = log;
        }

        @Override
        public void put(String key, Long value) {
            if (key.equals(failNextPutOf)) {
                failNextPutOf = null;
                throw new IllegalStateException("put of " + key + " failed");
            }
            log.add("put " + key + "=" + value);
            wrapped().put(key, value);
        }

        @Override
        public Long putIfAbsent(String key, Long value) {
            throw new AssertionError("the held writes reach the store below as puts and deletes");
        }

        @Override
        public void putAll(List<KeyValue<String, Long>> entries) {
            throw new AssertionError("the held writes reach the store below as puts and deletes");
        }

        @Override
        public Long delete(String key) {
            log.add("delete " + key);
            return wrapped().delete(key);
        }

        @Override
        public Long get(String key) {
            return wrapped().get(key);
        }

        @Override
        public KeyValueIterator<String, Long> range(String from, String to) {
            return wrapped().range(from, to);
        }

        @Override
        public KeyValueIterator<String, Long> all() {
            return wrapped().all();
        }

        @Override
        public long approximateNumEntries() {
            return wrapped().approximateNumEntries();
        }
    }
}
