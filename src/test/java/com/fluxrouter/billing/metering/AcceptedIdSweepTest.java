package com.fluxrouter.billing.metering;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The walk of accepted ids on a Kafka Streams store (in memory, ordered by key bytes as RocksDB is), with request ids
 * that are random UUIDs as in production: how long ids stay after their window under restarts, bursts and idle
 * time, and that it visits every key whatever its characters. A restarted task is a new {@link AcceptedIdSweep} on
 * the same store.
 */
class AcceptedIdSweepTest {
    private static final long MINUTE = Duration.ofMinutes(1).toMillis();
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long T0 = 1_790_000_000_000L;

    private static KeyValueStore<String, Long> store() {
        KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("ids"),
                Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    private static String randomId(Random random) {
        return "acme\u001F" + new UUID(random.nextLong(), random.nextLong());
    }

    /** Ids stored (the walk's position left out) accepted before the instant. */
    private static int acceptedBefore(KeyValueStore<String, Long> ids, long instant) {
        int count = 0;
        try (KeyValueIterator<String, Long> all = ids.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                if (!entry.key.startsWith(AcceptedIdSweep.POSITION) && entry.value < instant) {
                    count++;
                }
            }
        }
        return count;
    }

    @Test
    void aTaskRestartedWeeklyGoesOnFromTheStoredPositionSoIdsGoWithinTwoThirdsOfAWindowAfterTheirs() {
        // The default window, one request every 10 minutes (5,040 a window): a cycle takes about 12 days, longer
        // than the week between restarts. Starting each restart's cycle over would never reach the last keys.
        long window = Duration.ofDays(35).toMillis();
        int perWindow = 5_040;
        KeyValueStore<String, Long> ids = store();
        Random random = new Random(42);
        AcceptedIdSweep sweep = new AcceptedIdSweep(ids, window);
        long lastRestart = T0;
        long clock = T0;
        for (; clock < T0 + 6 * window; clock += 10 * MINUTE) {
            ids.put(randomId(random), clock);
            sweep.afterRequest(clock);
            if (clock - lastRestart >= Duration.ofDays(7).toMillis()) {
                sweep = new AcceptedIdSweep(ids, window);
                lastRestart = clock;
            }
        }
        // Within two cycles (two thirds of a window) and a walk after its window: a cycle may visit an id just before
        // its window passes, and the next one reaches it at most a cycle later.
        assertThat(acceptedBefore(ids, clock - window - 2 * window / 3 - 64 * 10 * MINUTE)).isZero();
        assertThat(ids.approximateNumEntries()).isLessThanOrEqualTo(perWindow * 4L / 3 + 64 + 1);
    }

    @Test
    void afterABurstTheWalkKeepsPaceWithTheClockSoTheBurstIsForgottenWithinTwoThirdsOfAWindowAfterItsWindow() {
        // 20,000 ids within an hour, then one request a minute: at 4 entries a request the burst would wait 5,000
        // requests (3.5 days) for each cycle; the clock's pace makes a cycle take at most a third of the window, so an
        // id is forgotten within two cycles after its window.
        KeyValueStore<String, Long> ids = store();
        Random random = new Random(7);
        AcceptedIdSweep sweep = new AcceptedIdSweep(ids, DAY);
        long clock = T0;
        for (int i = 0; i < 20_000; i++) {
            clock = T0 + i * 180L;
            ids.put(randomId(random), clock);
            sweep.afterRequest(clock);
        }
        long burstEnd = clock;
        for (int i = 1; i <= 2 * 1_440; i++) {
            clock = burstEnd + i * MINUTE;
            ids.put(randomId(random), clock);
            sweep.afterRequest(clock);
            if (clock == burstEnd + DAY + 2 * DAY / 3 + 2 * 64 * MINUTE) {
                assertThat(acceptedBefore(ids, burstEnd + 1)).as("the burst, 5/3 of a window after it").isZero();
            }
        }
        assertThat(acceptedBefore(ids, clock - DAY - 2 * DAY / 3 - 2 * 64 * MINUTE)).isZero();
    }

    @Test
    void anIdlePartitionForgetsAsItsClockFollowsTheWallClock() {
        KeyValueStore<String, Long> ids = store();
        Random random = new Random(3);
        AcceptedIdSweep sweep = new AcceptedIdSweep(ids, DAY);
        long clock = T0;
        for (int i = 0; i < 1_000; i++) {
            clock = T0 + i * MINUTE;
            ids.put(randomId(random), clock);
            sweep.afterRequest(clock);
        }
        // No request from here: the wall clock moves the billing clock every 5 minutes for two days.
        for (long idle = clock; idle <= clock + 2 * DAY; idle += 5 * MINUTE) {
            sweep.afterIdleAdvance(idle);
        }
        assertThat(acceptedBefore(ids, Long.MAX_VALUE)).isZero();
        try (KeyValueIterator<String, Long> left = ids.all()) {
            assertThat(left.next().key).as("only the walk's position").isEqualTo(AcceptedIdSweep.POSITION);
            assertThat(left.hasNext()).isFalse();
        }
    }

    @Test
    void whatThePaceAsksBeyondOneWalksCapIsOwedToTheNextWalks() {
        // 150,000 ids, then the clock jumps two windows: the pace asks for a whole cycle, a walk visits at most
        // 100,000 entries, and the next walk (the clock barely moved) visits the rest.
        KeyValueStore<String, Long> ids = store();
        Random random = new Random(5);
        int accepted = AcceptedIdSweep.MAX_ENTRIES_PER_WALK * 3 / 2;
        for (int i = 0; i < accepted; i++) {
            ids.put(randomId(random), T0 + i);
        }
        AcceptedIdSweep sweep = new AcceptedIdSweep(ids, DAY);
        sweep.afterIdleAdvance(T0 + accepted);
        long later = T0 + accepted + 2 * DAY;

        assertThat(sweep.afterIdleAdvance(later)).isEqualTo(AcceptedIdSweep.MAX_ENTRIES_PER_WALK);
        assertThat(sweep.afterIdleAdvance(later + 1)).isEqualTo(accepted - AcceptedIdSweep.MAX_ENTRIES_PER_WALK);
        assertThat(acceptedBefore(ids, Long.MAX_VALUE)).isZero();
    }

    @Test
    void nothingWithinTheWindowIsEverForgottenWhateverTheRestartsAndPace() {
        KeyValueStore<String, Long> ids = store();
        Random random = new Random(11);
        AcceptedIdSweep sweep = new AcceptedIdSweep(ids, DAY);
        long clock = T0;
        java.util.Map<String, Long> accepted = new java.util.HashMap<>();
        for (int i = 0; i < 30_000; i++) {
            clock += random.nextInt(4) == 0 ? random.nextInt(60) * MINUTE : random.nextInt(2_000);
            String id = i % 10 == 9 && !accepted.isEmpty() ? accepted.keySet().iterator().next() : randomId(random);
            ids.put(id, clock);
            accepted.put(id, clock);
            sweep.afterRequest(clock);
            if (random.nextInt(500) == 0) {
                sweep = new AcceptedIdSweep(ids, DAY);
            }
            if (random.nextInt(200) == 0) {
                sweep.afterIdleAdvance(clock);
            }
        }
        long forgetBefore = clock - DAY;
        for (java.util.Map.Entry<String, Long> id : accepted.entrySet()) {
            if (id.getValue() >= forgetBefore) {
                assertThat(ids.get(id.getKey())).as(id.getKey()).isEqualTo(id.getValue());
            }
        }
    }

    @Test
    void aWalkOneEntryAtATimeVisitsEveryKeyWhateverItsCharacters() {
        // Keys whose UTF-8 is unusual: the next key after the cursor (its bytes and a zero byte) skips none.
        KeyValueStore<String, Long> ids = store();
        String[] keys = {"a", "a\u0000", "a\u0000\u0000", "a\u0001", "a\u007F", "a\u0080", "a\uFFFF", "a\uFFFF\u0000",
            "a\uD83D\uDE00", "a\uD83D\uDE00\u0000", "a\uE000", "a\uFFFD", "b\u001Fr", "\uFFFF", "\uFFFF\uFFFF",
            "\uD83D\uDE00"};
        for (String key : keys) {
            ids.put(key, 0L);
        }
        AcceptedIdSweep sweep = new AcceptedIdSweep(ids, DAY);
        int forgotten = 0;
        for (int i = 0; i < keys.length; i++) {
            forgotten += sweep.walk(10 * DAY, 1);
        }
        assertThat(forgotten).isEqualTo(keys.length);
        assertThat(acceptedBefore(ids, Long.MAX_VALUE)).isZero();
    }
}
