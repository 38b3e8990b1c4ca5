package com.fluxrouter.billing.caching;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Values held by string key, up to a capacity, admitting a key only on its second miss (docs/performance.md, "What
 * was changed"). A caller looks a key up with {@link #get}; on a miss it reads its store and asks {@link #missed}
 * whether the key missed before, and holds the value with {@link #hold} only then. The first miss of each key is
 * recorded in a bit set (a Bloom filter's "doorkeeper", as in TinyLFU), so a key read once costs two bits set and no
 * map entry. A false positive of the bit set only holds a value early; the bit set is emptied once an eighth of its
 * bits are set, so a stream of keys never seen again cannot fill it.
 *
 * <p>When the map is full, holding a new key lets go of the least recently used one. (Emptying a full map instead, which
 * spares the access order kept on every hit, lost a sixth of the hits at 10,000 accounts with the generator's skewed
 * traffic in a simulation: the keys still read were thrown out with the rest.) Values must not be changed once held.
 * Not thread-safe.
 *
 * <p>Own code rather than a caching library: a general cache (Caffeine's W-TinyLFU) admits every new key to a window
 * first and evicts one per miss, the churn this class exists to avoid, and pays for thread safety on every hit.
 *
 * @param <V> the held values
 */
public final class SecondTouchCache<V> {
    /** Bits of the doorkeeper per entry of capacity (rounded up to a power of two), and its bounds. */
    private static final int BITS_PER_ENTRY = 16;
    private static final int MIN_BITS = 1 << 10;
    private static final int MAX_BITS = 1 << 24;

    private final Map<String, V> held;
    private final long[] seen;
    private final int shift;
    private final int resetAt;
    private int bitsSet;

    /**
     * @param capacity how many values to hold at most
     * @throws IllegalArgumentException when capacity is not positive
     */
    public SecondTouchCache(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.held = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
        long wanted = Long.highestOneBit((long) capacity * BITS_PER_ENTRY - 1) << 1;
        int bits = (int) Math.min(MAX_BITS, Math.max(MIN_BITS, wanted));
        this.seen = new long[bits / Long.SIZE];
        this.shift = Integer.SIZE - Integer.numberOfTrailingZeros(bits);
        this.resetAt = bits / 8;
    }

    /** The value held under the key, or null when none is. */
    public V get(String key) {
        return held.get(key);
    }

    /**
     * Records a miss of the key.
     *
     * @return true when the key missed before (since the doorkeeper was last emptied, or a false positive): the
     *         caller should hold its value now
     */
    public boolean missed(String key) {
        // Fibonacci hashing spreads String.hashCode's low-entropy high bits; two indices from one 32-bit mix.
        int mixed = key.hashCode() * 0x9E3779B9;
        boolean first = set(mixed >>> shift);
        boolean second = set(Integer.rotateLeft(mixed, 16) >>> shift);
        if (bitsSet >= resetAt) {
            Arrays.fill(seen, 0L);
            bitsSet = 0;
        }
        return !first && !second;
    }

    /** Sets a bit; true when it was not set before. */
    private boolean set(int bit) {
        long mask = 1L << bit;
        int word = bit >>> 6;
        if ((seen[word] & mask) != 0) {
            return false;
        }
        seen[word] |= mask;
        bitsSet++;
        return true;
    }

    /** Holds the value under the key, letting go of the least recently used one when that makes more than the capacity. */
    public void hold(String key, V value) {
        held.put(key, value);
    }

    /** Replaces the value under the key if one is held (a write of the store the values come from); else nothing. */
    public void refresh(String key, V value) {
        held.replace(key, value);
    }

    /** Holds nothing more under the key. */
    public void forget(String key) {
        held.remove(key);
    }

    /** Holds nothing at all (the doorkeeper keeps what it saw). */
    public void clear() {
        held.clear();
    }
}
