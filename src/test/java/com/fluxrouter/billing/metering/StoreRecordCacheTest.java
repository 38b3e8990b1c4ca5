package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.serde.Serdes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What fronts the meter's RocksDB stores: the account-months and the spend statuses hold their writes until the
 * commit ({@code WriteBehindStore}, in place of Kafka Streams' record cache) unless
 * {@code flux.billing.write-behind-entries} is 0; the billing clock has the record cache always (it coalesces its
 * writes within a commit). With no held writes, the record cache fronts the account-months, and the spend-status store
 * unless {@code flux.billing.status-store-record-cache} is false (docs/performance.md). Read from the layers the store
 * builders build, outermost first.
 */
class StoreRecordCacheTest {
    private static final String CACHE = "CachingKeyValueStore";
    private static final String HELD = "WriteBehindStore";
    private static final String LOGGED = "ChangeLoggingKeyValueBytesStore";
    private static final Map<String, String> NO_HELD_WRITES = Map.of(BillingConfig.WRITE_BEHIND_ENTRIES, "0");

    @Test
    void theMonthsAndStatusesHoldTheirWritesInPlaceOfTheRecordCacheByDefault() {
        BillingConfig config = BillingConfig.defaults();
        assertThat(layers(config, MeteringFlow.STATUS_STORE)).startsWith(HELD).doesNotContain(CACHE).contains(LOGGED);
        assertThat(layers(config, MeteringFlow.MONTHS_STORE)).startsWith(HELD).doesNotContain(CACHE).contains(LOGGED);
        assertThat(layers(config, MeteringFlow.CLOCK_STORE)).contains(CACHE).doesNotContain(HELD);
        assertThat(layers(config, MeteringFlow.REQUEST_IDS_STORE)).doesNotContain(CACHE, HELD);
        assertThat(layers(config, MeteringFlow.DEADLINES_STORE)).doesNotContain(CACHE, HELD);
    }

    @Test
    void withNoHeldWritesEveryCachedStoreHasTheRecordCache() {
        BillingConfig config = BillingConfig.of(NO_HELD_WRITES);
        assertThat(layers(config, MeteringFlow.STATUS_STORE)).contains(CACHE, LOGGED).doesNotContain(HELD);
        assertThat(layers(config, MeteringFlow.MONTHS_STORE)).contains(CACHE).doesNotContain(HELD);
        assertThat(layers(config, MeteringFlow.CLOCK_STORE)).contains(CACHE);
    }

    @Test
    void theSettingTakesTheRecordCacheFromTheSpendStatusStoreAloneKeepingItsChangelog() {
        Map<String, String> settings = new HashMap<>(NO_HELD_WRITES);
        settings.put(BillingConfig.STATUS_STORE_RECORD_CACHE, "false");
        BillingConfig config = BillingConfig.of(settings);
        assertThat(layers(config, MeteringFlow.STATUS_STORE)).doesNotContain(CACHE, HELD).contains(LOGGED);
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
