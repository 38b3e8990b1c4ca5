package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.intake.PricedCandidate;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.pricing.Price;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.serde.Serdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 12 across an aborted transaction: Kafka Streams revives a task by closing its processors, restoring its
 * stores to the last commit and calling {@code init} again on the same processor instances. The meter's last
 * statuses held as objects ({@link HeldValues}) must not outlive that: the revived meter reads the restored store,
 * so the status the aborted transaction emitted is emitted again when its request is processed again. (A meter still
 * holding the aborted status would find nothing changed and emit nothing: the fleet would never see it.)
 *
 * <p>The account has no plan (pay as you go); each request is Express at $1 per 1M tokens.
 */
class MeterRevivalTest {
    private static final BillingConfig CONFIG = BillingConfig.defaults()
            .with(BillingConfig.STATE_STORES, "in_memory")
            .with(BillingConfig.STATE_CHANGELOGS, "false");
    private static final Instant COMMITTED_AT = Instant.parse("2026-10-10T12:00:00Z");
    /** Past the status interval (PT10S) after the first request, so its usage change is emitted at once. */
    private static final Instant ABORTED_AT = Instant.parse("2026-10-10T12:00:20Z");
    private static final long EXPRESS_NANOS_PER_TOKEN = 1_000;

    private final Serdes serdes = new Serdes(CONFIG.wireFormat());

    /** A task's context over the meter's stores and the plan publications, new and empty. */
    private MockProcessorContext<Object, SpecificRecord> emptyTask() {
        MockProcessorContext<Object, SpecificRecord> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(COMMITTED_AT.toEpochMilli());
        List<StoreBuilder<?>> builders = new ArrayList<>(MeteringFlow.stores(CONFIG, serdes));
        builders.add(PlanFlow.publications(CONFIG, serdes));
        for (StoreBuilder<?> builder : builders) {
            StateStore store = builder.build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        return context;
    }

    /**
     * A new task whose stores hold what {@code committed}'s meter stores hold once committed now: a restoration from
     * the changelogs.
     */
    private MockProcessorContext<Object, SpecificRecord> restoredFrom(MockProcessorContext<Object, SpecificRecord> committed) {
        MockProcessorContext<Object, SpecificRecord> restored = emptyTask();
        for (StoreBuilder<?> builder : MeteringFlow.stores(CONFIG, serdes)) {
            KeyValueStore<Object, Object> from = committed.getStateStore(builder.name());
            from.commit(Map.of()); // what a commit writes of the writes held until it
            KeyValueStore<Object, Object> to = restored.getStateStore(builder.name());
            try (KeyValueIterator<Object, Object> all = from.all()) {
                all.forEachRemaining(entry -> to.put(entry.key, entry.value));
            }
        }
        return restored;
    }

    private static Record<String, MeterInput> express(String requestId, long tokens, Instant completedAt) {
        RoutedRequest request = RoutedRequest.newBuilder()
                .setRequestId(requestId).setAccountId("acme").setRequestedModel("flux-auto")
                .setServedModel("express-model").setLane(null).setInputTokens(tokens).setOutputTokens(0)
                .setCompletedAt(completedAt).setQuotedCostUsd(null).build();
        Rate rate = new Rate(Lane.EXPRESS, EXPRESS_NANOS_PER_TOKEN, EXPRESS_NANOS_PER_TOKEN,
                Instant.parse("2020-01-01T00:00:00Z").toEpochMilli());
        PricedCandidate candidate = new PricedCandidate(request, Lane.EXPRESS, true, rate, Price.of(tokens, 0, rate));
        return new Record<>("acme", new PlannedRequest(candidate, null), completedAt.toEpochMilli());
    }

    private static List<SpendStatus> statuses(MockProcessorContext<Object, SpecificRecord> context) {
        List<SpendStatus> statuses = new ArrayList<>();
        for (MockProcessorContext.CapturedForward<?, ?> forward : context.forwarded()) {
            if (forward.record().value() instanceof SpendStatus status) {
                statuses.add(status);
            }
        }
        context.resetForwards();
        return statuses;
    }

    private static Map<String, SpendStatus> storedStatuses(MockProcessorContext<Object, SpecificRecord> context) {
        Map<String, SpendStatus> stored = new LinkedHashMap<>();
        KeyValueStore<String, SpendStatus> store = context.getStateStore(MeteringFlow.STATUS_STORE);
        store.commit(Map.of());
        try (KeyValueIterator<String, SpendStatus> all = store.all()) {
            all.forEachRemaining((KeyValue<String, SpendStatus> entry) -> stored.put(entry.key, entry.value));
        }
        return stored;
    }

    @Test
    void aMeterInitialisedAgainOnStoresRestoredToTheLastCommitEmitsTheAbortedStatusAgain() {
        Processor<String, MeterInput, Object, SpecificRecord> meter = MeteringFlow.meter(CONFIG);
        MockProcessorContext<Object, SpecificRecord> task = emptyTask();
        meter.init(task);
        meter.process(express("r-1", 500_000, COMMITTED_AT));
        assertThat(statuses(task)).extracting(SpendStatus::getUsageUsd).containsExactly(new BigDecimal("0.500000000"));
        MockProcessorContext<Object, SpecificRecord> restored = restoredFrom(task);

        // The next transaction emits the status of a second request, then aborts: the task is revived
        meter.process(express("r-2", 250_000, ABORTED_AT));
        SpendStatus aborted = statuses(task).get(0);
        meter.close();
        restored.setCurrentSystemTimeMs(ABORTED_AT.toEpochMilli());
        meter.init(restored);

        meter.process(express("r-2", 250_000, ABORTED_AT));

        BigDecimal usage = new BigDecimal("0.500000000").add(new BigDecimal("0.250000000"));
        assertThat(statuses(restored)).singleElement().satisfies(status -> {
            assertThat(status).isEqualTo(aborted);
            assertThat(status.getReason()).isEqualTo("USAGE");
            assertThat(status.getStatus()).isEqualTo("ACTIVE");
            assertThat(status.getUsageUsd()).isEqualTo(usage);
            assertThat(status.getAsOf()).isEqualTo(ABORTED_AT);
        });
        assertThat(storedStatuses(restored)).containsExactly(Map.entry("acme", aborted));
    }
}
