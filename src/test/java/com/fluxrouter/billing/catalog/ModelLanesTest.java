package com.fluxrouter.billing.catalog;

import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a task's reader of {@value CatalogFlow#MODELS_STORE} keeps and when it reads the store again. The store is
 * written directly to show what the reader kept (a write that {@link CatalogStoreUpdate} did not count), and through
 * {@link CatalogStoreUpdate} to show that each of its changes is counted: puts, tombstones and a (re)start on a rebuilt store.
 */
class ModelLanesTest {
    private final Serdes serdes = new Serdes(WireFormat.SINGLE_OBJECT);
    private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
    private final ModelLanes lanes = new ModelLanes();
    private TimestampedKeyValueStore<String, ModelLane> store;
    private CatalogStoreUpdate<String, ModelLane> update;

    @BeforeEach
    void openStore() {
        store = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(CatalogFlow.MODELS_STORE),
                serdes.string(), serdes.internal(ModelLane.class)).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        update = new CatalogStoreUpdate<String, ModelLane>(CatalogFlow.MODELS_STORE, lanes::changed);
        update.init(context);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private void putUncounted(String model, Lane lane) {
        store.put(model, ValueAndTimestamp.make(new ModelLane(model, lane.name()), 0L));
    }

    private void publish(String model, Lane lane) {
        update.process(new Record<>(model, new ModelLane(model, lane.name()), 0L));
    }

    private void delete(String model) {
        update.process(new Record<String, ModelLane>(model, null, 0L));
    }

    @Test
    void aServedModelsLaneIsKeptUntilTheCatalogFlowCountsAChange() {
        Function<String, Lane> reader = lanes.cached(store);
        publish("m", Lane.EXPRESS);
        assertThat(reader.apply("m")).isEqualTo(Lane.EXPRESS);

        putUncounted("m", Lane.DEEP_THOUGHT);
        assertThat(reader.apply("m")).as("kept: nothing was counted").isEqualTo(Lane.EXPRESS);

        publish("other", Lane.DAILY_DRIVER);
        assertThat(reader.apply("m")).as("any counted change makes the reader read again").isEqualTo(Lane.DEEP_THOUGHT);
    }

    @Test
    void aModelNotInTheCatalogIsNotKept() {
        Function<String, Lane> reader = lanes.cached(store);
        assertThat(reader.apply("flux-next-gen")).isNull();

        putUncounted("flux-next-gen", Lane.DAILY_DRIVER);
        assertThat(reader.apply("flux-next-gen")).as("read again: a miss is not kept").isEqualTo(Lane.DAILY_DRIVER);
    }

    @Test
    void aTombstoneIsCounted() {
        Function<String, Lane> reader = lanes.cached(store);
        publish("m", Lane.EXPRESS);
        assertThat(reader.apply("m")).isEqualTo(Lane.EXPRESS);

        delete("m");
        assertThat(reader.apply("m")).isNull();
    }

    @Test
    void aRecordWithoutAKeyIsSkipped() {
        Function<String, Lane> reader = lanes.cached(store);
        publish("m", Lane.EXPRESS);
        update.process(new Record<>(null, new ModelLane("m", Lane.DEEP_THOUGHT.name()), 0L));

        assertThat(store.approximateNumEntries()).isEqualTo(1);
        assertThat(reader.apply("m")).isEqualTo(Lane.EXPRESS);
    }

    @Test
    void theProcessorStartingOnARebuiltStoreMakesReadersReadAgain() {
        Function<String, Lane> reader = lanes.cached(store);
        publish("m", Lane.EXPRESS);
        assertThat(reader.apply("m")).isEqualTo(Lane.EXPRESS);

        putUncounted("m", Lane.DEEP_THOUGHT);
        new CatalogStoreUpdate<String, ModelLane>(CatalogFlow.MODELS_STORE, lanes::changed).init(context);
        assertThat(reader.apply("m")).isEqualTo(Lane.DEEP_THOUGHT);
    }

    @Test
    void eachReaderKeepsWhatItReadItself() {
        Function<String, Lane> first = lanes.cached(store);
        publish("m", Lane.EXPRESS);
        assertThat(first.apply("m")).isEqualTo(Lane.EXPRESS);

        putUncounted("m", Lane.DEEP_THOUGHT);
        Function<String, Lane> second = lanes.cached(store);
        assertThat(second.apply("m")).as("a new reader has read nothing yet").isEqualTo(Lane.DEEP_THOUGHT);
        assertThat(first.apply("m")).isEqualTo(Lane.EXPRESS);
    }

    @Test
    void theUncachedReaderReadsTheStoreOnEveryCall() {
        Function<String, Lane> reader = ModelLanes.everyRequest(store);
        publish("m", Lane.EXPRESS);
        assertThat(reader.apply("m")).isEqualTo(Lane.EXPRESS);

        putUncounted("m", Lane.DEEP_THOUGHT);
        assertThat(reader.apply("m")).isEqualTo(Lane.DEEP_THOUGHT);
        assertThat(reader.apply("flux-next-gen")).isNull();
    }
}
