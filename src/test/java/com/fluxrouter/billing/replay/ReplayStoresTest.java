package com.fluxrouter.billing.replay;

import com.fluxrouter.billing.caching.WriteBehindStore;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.metering.MeteringFlow;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.LaneUsage;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.fluxrouter.billing.schema.state.PlanPublication;
import com.fluxrouter.billing.schema.state.PlanPublications;
import com.fluxrouter.billing.serde.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Replay keeps its stores itself ({@link ReplayStores}); what it writes into them must be what the topology's stores
 * hold, byte for byte, and read back the same: the serdes of each store are the topology's.
 */
class ReplayStoresTest {
    private static final BillingConfig CONFIG = BillingConfig.defaults()
            .with(BillingConfig.STATE_STORES, "in_memory").with(BillingConfig.STATE_CHANGELOGS, "false")
            .with(BillingConfig.UNSAFE_ALLOW, "true");
    private static final Instant AT = Instant.parse("2026-09-15T10:00:00Z");

    private final Serdes serdes = new Serdes(CONFIG.wireFormat());

    /** A key and value of each store, as the meter writes them. */
    private static final Map<String, KeyValue<Object, Object>> SAMPLES = Map.of(
            MeteringFlow.REQUEST_IDS_STORE, KeyValue.pair("acct-1\u001Freq-1", 1_789_000_000_000L),
            MeteringFlow.MONTHS_STORE, KeyValue.pair("acct-1\u001F2026-09", ledger()),
            MeteringFlow.DEADLINES_STORE, KeyValue.pair(Bytes.wrap(new byte[] {0, 0, 1, -104, 3, 'a'}), new byte[0]),
            MeteringFlow.CLOCK_STORE, KeyValue.pair("billing-clock", 1_789_000_000_123L),
            MeteringFlow.STATUS_STORE, KeyValue.pair("acct-1", status()),
            PlanFlow.PUBLICATIONS_STORE, KeyValue.pair("acct-1", publications()));

    @Test
    void everyMeterStoreHoldsTheTopologysBytes() {
        List<String> checked = new ArrayList<>();
        for (StoreBuilder<?> builder : MeteringFlow.stores(CONFIG, serdes)) {
            assertSameBytes(builder, ReplayStores.layout(builder.name(), serdes));
            checked.add(builder.name());
        }
        assertThat(checked).containsExactly(MeteringFlow.REQUEST_IDS_STORE, MeteringFlow.MONTHS_STORE,
                MeteringFlow.DEADLINES_STORE, MeteringFlow.CLOCK_STORE, MeteringFlow.STATUS_STORE);
    }

    @Test
    void planPublicationsHoldTheGlobalStoresBytes() {
        assertSameBytes(PlanFlow.publications(CONFIG, serdes), ReplayStores.planPublications(serdes));
    }

    @Test
    void anUnknownMeterStoreStopsReplay() {
        assertThatThrownBy(() -> ReplayStores.layout("a-new-store", serdes))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("a-new-store");
    }

    @Test
    void onlyTheStoresTheMeterReadsByRangeAreKeptSorted() {
        // The deadline index (due deadlines) and the accepted ids (walked by AcceptedIdSweep).
        Set<String> readByRange = Set.of(MeteringFlow.DEADLINES_STORE, MeteringFlow.REQUEST_IDS_STORE);
        for (StoreBuilder<?> builder : MeteringFlow.stores(CONFIG, serdes)) {
            assertThat(ReplayStores.layout(builder.name(), serdes).sorted()).as(builder.name())
                    .isEqualTo(readByRange.contains(builder.name()));
        }
    }

    @SuppressWarnings("unchecked")
    private static void assertSameBytes(StoreBuilder<?> topologyBuilder, ReplayStores.Layout<?, ?> replayLayout) {
        String name = topologyBuilder.name();
        KeyValue<Object, Object> sample = SAMPLES.get(name);
        assertThat(sample).as("a sample for " + name).isNotNull();
        KeyValueStore<Object, Object> topology = (KeyValueStore<Object, Object>) topologyBuilder.build();
        topology.init(new MockProcessorContext<>().getStateStoreContext(), topology);
        topology.put(sample.key, sample.value);
        topology.commit(Map.of()); // writes what a held-writes layer holds, as a commit does
        StateStore metered = topology;
        while (metered instanceof WriteBehindStore<?, ?> heldWrites) {
            metered = heldWrites.wrapped();
        }
        KeyValue<Bytes, byte[]> held = single(((WrappedStateStore<KeyValueStore<Bytes, byte[]>, ?, ?>) metered).wrapped());

        ReplayStores.Layout<Object, Object> layout = (ReplayStores.Layout<Object, Object>) replayLayout;
        assertThat(layout.keys().serializer().serialize(name, sample.key)).as(name + " key").isEqualTo(held.key.get());
        assertThat(layout.values().serializer().serialize(name, sample.value)).as(name + " value").isEqualTo(held.value);
        // Compared as bytes: Avro's equals fails on a decimal inside a union of a nested record.
        Object readBack = layout.values().deserializer().deserialize(name, held.value);
        assertThat(layout.values().serializer().serialize(name, readBack)).as(name + " read back").isEqualTo(held.value);
        MemoryStore<Object, Object> replay = layout.store(name);
        replay.init(new MockProcessorContext<>().getStateStoreContext(), replay);
        replay.put(sample.key, sample.value);
        assertThat(layout.values().serializer().serialize(name, replay.get(sample.key))).as(name + " get")
                .isEqualTo(held.value);
    }

    private static KeyValue<Bytes, byte[]> single(KeyValueStore<Bytes, byte[]> store) {
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            KeyValue<Bytes, byte[]> first = all.next();
            assertThat(all.hasNext()).isFalse();
            return first;
        }
    }

    private static MonthLedger ledger() {
        LaneUsage express = new LaneUsage("EXPRESS", 3L, 1_200L, 340L, 1_234_567L);
        return MonthLedger.newBuilder().setAccountId("acct-1").setBillingMonth("2026-09").setTimeZone("UTC")
                .setCloseAt(1_790_000_000_000L).setLanes(List.of(express)).setCreditNanos(5_000_000_000L)
                .setCeilingNanos(20_000_000_000L).setOverageNanos(0L).setAlertsFired(1).setClosed(false)
                .setInvoicedLanes(List.of()).setInvoiceSets(0).build();
    }

    private static SpendStatus status() {
        return SpendStatus.newBuilder().setAccountId("acct-1").setBillingMonth("2026-09").setStatus("OK")
                .setUsageUsd(new BigDecimal("0.001234567")).setIncludedCreditUsd(new BigDecimal("5.000000000"))
                .setCreditRemainingUsd(new BigDecimal("4.998765433")).setSpendCeilingUsd(null).setRemainingUsd(null)
                .setPeriodStart(Instant.parse("2026-09-01T00:00:00Z")).setPeriodEnd(Instant.parse("2026-10-01T00:00:00Z"))
                .setProjectedUsageUsd(null).setReason("USAGE").setAsOf(AT).build();
    }

    private static PlanPublications publications() {
        AccountPlan plan = AccountPlan.newBuilder().setAccountId("acct-1").setPlanName("team")
                .setIncludedCreditUsd(new BigDecimal("20.000000000")).setSpendCeilingUsd(new BigDecimal("60.000000000"))
                .setBillingTimeZone(null).setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).build();
        return new PlanPublications(List.of(new PlanPublication(0L, plan)));
    }
}
