package com.fluxrouter.billing.replay;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Replay's store answers as Kafka Streams' in-memory store does, sorted or hashed: the same random puts, deletes,
 * gets and range reads give the same answers from both.
 */
class MemoryStoreTest {
    /** Keys whose UTF-8 bytes order differently from their chars (an accent sorts after every ASCII letter). */
    private static final String[] KEYS = {"a", "ab", "b", "é", "z", "a\u001Fb", "", "zz", "\u00e9t\u00e9", "B"};

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void answersAsKafkaStreamsInMemoryStore(boolean sorted) {
        answersAsKafkaStreamsInMemoryStore(sorted, KEYS, 5_000, new Random(sorted ? 1 : 2));
    }

    /** Enough keys that a sorted store's chunks split, drain and merge (SortedChunks), as the accepted ids' do. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void answersAsKafkaStreamsInMemoryStoreOverThousandsOfKeys(boolean sorted) {
        Random random = new Random(sorted ? 3 : 4);
        String[] keys = new String[2_000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = random.nextInt(10) == 0 ? KEYS[random.nextInt(KEYS.length)] + i
                    : "acct-" + random.nextInt(20) + "\u001Freplay-" + random.nextInt(1_000_000);
        }
        answersAsKafkaStreamsInMemoryStore(sorted, keys, 20_000, random);
    }

    private static void answersAsKafkaStreamsInMemoryStore(boolean sorted, String[] keys, int operations, Random random) {
        KeyValueStore<String, Long> kafka = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("s"),
                Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
        kafka.init(new MockProcessorContext<>().getStateStoreContext(), kafka);
        MemoryStore<String, Long> replay = store(sorted);
        for (int i = 0; i < operations; i++) {
            String key = keys[random.nextInt(keys.length)];
            switch (random.nextInt(6)) {
                case 0, 1 -> {
                    long value = random.nextInt(1_000);
                    kafka.put(key, value);
                    replay.put(key, value);
                }
                case 2 -> {
                    kafka.put(key, null);
                    replay.put(key, null);
                }
                case 3 -> assertThat(replay.delete(key)).isEqualTo(kafka.delete(key));
                case 4 -> assertThat(replay.get(key)).isEqualTo(kafka.get(key));
                default -> {
                    String from = random.nextInt(4) == 0 ? null : keys[random.nextInt(keys.length)];
                    String to = random.nextInt(4) == 0 ? null : keys[random.nextInt(keys.length)];
                    assertThat(list(replay.range(from, to))).as(from + ".." + to).isEqualTo(list(kafka.range(from, to)));
                }
            }
            assertThat(replay.approximateNumEntries()).isEqualTo(kafka.approximateNumEntries());
        }
        assertThat(list(replay.all())).isEqualTo(list(kafka.all()));
    }

    @Test
    void aWriteWhileASortedStoresIteratorIsOpenFailsItsNextReadInsteadOfAnsweringOtherwiseThanRocksDb() {
        MemoryStore<String, Long> store = store(true);
        store.put("a", 1L);
        store.put("b", 2L);
        try (KeyValueIterator<String, Long> all = store.all()) {
            assertThat(all.next()).isEqualTo(KeyValue.pair("a", 1L));
            // A value replaced in place, which a TreeMap's own iterator would not notice.
            store.put("b", 20L);
            assertThatThrownBy(all::hasNext).isInstanceOf(IllegalStateException.class).hasMessageContaining("s");
            assertThatThrownBy(all::next).isInstanceOf(IllegalStateException.class);
        }
        try (KeyValueIterator<String, Long> all = store.all()) {
            store.delete("a");
            assertThatThrownBy(all::peekNextKey).isInstanceOf(IllegalStateException.class);
        }
        assertThat(list(store.all())).containsExactly(KeyValue.pair("b", 20L));
    }

    @Test
    void aHashKeptStoresIteratorSeesTheEntriesAsTheyWereWhenItWasMade() {
        MemoryStore<String, Long> store = store(false);
        store.put("a", 1L);
        store.put("b", 2L);
        store.put("c", 3L);
        List<KeyValue<String, Long>> seen = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> next = all.next();
                seen.add(next);
                // Its entries were copied: later writes do not reach it.
                store.delete("a");
                store.put("b", 20L);
                store.put("bb", 4L);
            }
        }
        assertThat(seen).containsExactly(KeyValue.pair("a", 1L), KeyValue.pair("b", 2L), KeyValue.pair("c", 3L));
        assertThat(list(store.all())).containsExactly(KeyValue.pair("b", 20L), KeyValue.pair("bb", 4L),
                KeyValue.pair("c", 3L));
    }

    @Test
    void aNullKeyIsRefused() {
        MemoryStore<String, Long> store = store(false);
        assertThatThrownBy(() -> store.put(null, 1L)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.get(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void everyGetIsANewObject() {
        MemoryStore<String, java.util.List<String>> store = new MemoryStore<>("lists", Serdes.String(),
                Serdes.ListSerde(ArrayList.class, Serdes.String()), false);
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        List<String> written = new ArrayList<>(List.of("x"));
        store.put("k", written);
        written.add("changed after the put");
        store.get("k").add("changed after a get");
        assertThat(store.get("k")).containsExactly("x");
    }

    private static MemoryStore<String, Long> store(boolean sorted) {
        MemoryStore<String, Long> store = new MemoryStore<>("s", Serdes.String(), Serdes.Long(), sorted);
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    private static <K, V> List<KeyValue<K, V>> list(KeyValueIterator<K, V> iterator) {
        List<KeyValue<K, V>> all = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(all::add);
        }
        return all;
    }
}
