package com.fluxrouter.billing.caching;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Admission on the second miss, a bounded doorkeeper, the least recently used let go, refresh of held values only.
 */
class SecondTouchCacheTest {

    @Test
    void aKeyIsAdmittedOnItsSecondMissOnly() {
        SecondTouchCache<String> cache = new SecondTouchCache<>(64);

        assertThat(cache.missed("acct-1")).isFalse();
        assertThat(cache.missed("acct-1")).isTrue();
        assertThat(cache.missed("acct-2")).isFalse();
    }

    @Test
    void keysSeenOnceAreAlmostNeverAdmittedHoweverManyThereAre() {
        SecondTouchCache<String> cache = new SecondTouchCache<>(1024);

        long admitted = IntStream.range(0, 1_000_000).filter(i -> cache.missed("acct-" + i)).count();

        // Emptied at an eighth of its bits set, with two bits a key: at most (1/8)^2 = 1.6 % false positives, and as
        // the fill grows evenly from 0 to 1/8 between resets, (1/8)^2 / 3 = 1/192 on average.
        assertThat(admitted).isLessThan(1_000_000 / 192);
    }

    @Test
    void aFirstMissIsForgottenOnceManyOtherKeysMissed() {
        SecondTouchCache<String> cache = new SecondTouchCache<>(64);
        cache.missed("acct-early");

        IntStream.range(0, 10_000).forEach(i -> cache.missed("acct-" + i));

        assertThat(cache.missed("acct-early")).as("its first miss was emptied with the doorkeeper").isFalse();
    }

    @Test
    void aHeldValueIsReturnedRefreshedAndForgotten() {
        SecondTouchCache<String> cache = new SecondTouchCache<>(4);
        cache.refresh("a", "never held");
        assertThat(cache.get("a")).as("refresh holds nothing new").isNull();

        cache.hold("a", "1");
        cache.refresh("a", "2");
        assertThat(cache.get("a")).isEqualTo("2");

        cache.forget("a");
        assertThat(cache.get("a")).isNull();
    }

    @Test
    void aNewKeyFindingTheCacheFullLetsGoOfTheLeastRecentlyUsed() {
        SecondTouchCache<String> cache = new SecondTouchCache<>(2);
        cache.hold("a", "1");
        cache.hold("b", "2");
        cache.hold("b", "2b");
        assertThat(cache.get("a")).as("a held key replaced without letting go of another").isEqualTo("1");

        cache.hold("c", "3");

        assertThat(cache.get("c")).isEqualTo("3");
        assertThat(cache.get("a")).as("read after b was held again").isEqualTo("1");
        assertThat(cache.get("b")).as("the least recently used").isNull();
    }

    @Test
    void clearLetsGoOfEveryValueButNotOfTheMissesSeen() {
        SecondTouchCache<String> cache = new SecondTouchCache<>(4);
        cache.missed("a");
        cache.hold("b", "2");

        cache.clear();

        assertThat(cache.get("b")).isNull();
        assertThat(cache.missed("a")).isTrue();
    }

    /** The doorkeeper's size is clamped both ways: 16 bits a value would be none at 1 and 4 GiB at the largest int. */
    @Test
    void theSmallestAndLargestCapacitiesAdmitOnTheSecondMiss() {
        for (int capacity : new int[] {1, 1 << 27, Integer.MAX_VALUE}) {
            SecondTouchCache<String> cache = new SecondTouchCache<>(capacity);

            assertThat(cache.missed("acct-1")).as("first miss, capacity %d", capacity).isFalse();
            assertThat(cache.missed("acct-1")).as("second miss, capacity %d", capacity).isTrue();
        }
    }

    @Test
    void aCapacityOfOneHoldsTheLastKeyHeld() {
        SecondTouchCache<String> cache = new SecondTouchCache<>(1);
        cache.hold("a", "1");
        cache.hold("a", "1b");
        assertThat(cache.get("a")).isEqualTo("1b");

        cache.hold("b", "2");

        assertThat(cache.get("a")).isNull();
        assertThat(cache.get("b")).isEqualTo("2");
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        assertThatThrownBy(() -> new SecondTouchCache<>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
