package com.fluxrouter.billing.caching;

import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.util.Map;

/**
 * Builds a {@link WriteBehindStore} in front of what another builder builds: the store below keeps its name,
 * changelog and serdes, so the topology, the changelog topic and the state are the same as without this layer.
 *
 * @param <K> the store's keys
 * @param <V> the store's values
 */
public final class WriteBehindStoreBuilder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
    private final StoreBuilder<KeyValueStore<K, V>> below;
    private final int capacity;

    /**
     * @param below    the store's own builder; its record cache is turned off here (this layer takes its place)
     * @param capacity how many changed keys a store holds at most before writing them early; at least 1
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    public WriteBehindStoreBuilder(StoreBuilder<KeyValueStore<K, V>> below, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.below = below.withCachingDisabled();
        this.capacity = capacity;
    }

    /** @throws UnsupportedOperationException always: the held writes take the record cache's place */
    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
        throw new UnsupportedOperationException("store " + name() + " holds its writes until the commit itself: "
                + "no record cache in front of it");
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
        below.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
        below.withLoggingDisabled();
        return this;
    }

    @Override
    public KeyValueStore<K, V> build() {
        return new WriteBehindStore<>(below.build(), capacity);
    }

    @Override
    public Map<String, String> logConfig() {
        return below.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return below.loggingEnabled();
    }

    @Override
    public String name() {
        return below.name();
    }
}
