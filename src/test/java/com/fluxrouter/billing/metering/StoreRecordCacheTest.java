package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.serde.Serdes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which of the meter's RocksDB stores have Kafka Streams' record cache in front of them: the account-months and the
 * billing clock always (the cache coalesces their writes within a commit), the spend-status store unless
 * {@code flux.billing.status-store-record-cache} is false (docs/performance.md). Read from the layers the store
 * builders build, outermost first.
 */
class StoreRecordCacheTest {
    private static final String CACHE = "CachingKeyValueStore";

    @Test
    void everyCachedStoreHasTheRecordCacheByDefault() {
        BillingConfig config = BillingConfig.defaults();
        assertThat(layers(config, MeteringFlow.STATUS_STORE)).contains(CACHE, "ChangeLoggingKeyValueBytesStore");
        assertThat(layers(config, MeteringFlow.MONTHS_STORE)).contains(CACHE);
        assertThat(layers(config, MeteringFlow.CLOCK_STORE)).contains(CACHE);
    }

    @Test
    void theSettingTakesTheRecordCacheFromTheSpendStatusStoreAloneKeepingItsChangelog() {
        BillingConfig config = BillingConfig.of(Map.of(BillingConfig.STATUS_STORE_RECORD_CACHE, "false"));
        assertThat(layers(config, MeteringFlow.STATUS_STORE)).doesNotContain(CACHE)
                .contains("ChangeLoggingKeyValueBytesStore");
        assertThat(layers(config, MeteringFlow.MONTHS_STORE)).contains(CACHE);
        assertThat(layers(config, MeteringFlow.CLOCK_STORE)).contains(CACHE);
    }

    /** The simple class names of the store's layers, outermost first, down to the bytes store. */
    private static List<String> layers(BillingConfig config, String name) {
        StoreBuilder<?> builder = MeteringFlow.stores(config, new Serdes(config.wireFormat())).stream()
                .filter(candidate -> candidate.name().equals(name)).findFirst().orElseThrow();
        List<String> layers = new ArrayList<>();
        StateStore store = builder.build();
        while (store instanceof WrappedStateStore<?, ?, ?> wrapped) {
            layers.add(store.getClass().getSimpleName());
            store = wrapped.wrapped();
        }
        layers.add(store.getClass().getSimpleName());
        return layers;
    }
}
