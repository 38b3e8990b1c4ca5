package com.fluxrouter.billing.replay;

import com.fluxrouter.billing.catalog.CatalogRules;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.errors.Rejections;
import com.fluxrouter.billing.intake.PricedCandidate;
import com.fluxrouter.billing.intake.RequestPricing;
import com.fluxrouter.billing.intake.RequestRules;
import com.fluxrouter.billing.metering.MeteringFlow;
import com.fluxrouter.billing.metering.PlannedRequest;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.plans.PlanPublishing;
import com.fluxrouter.billing.plans.PlanRules;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.state.PlanHistory;
import com.fluxrouter.billing.schema.state.PlanPublications;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.StreamsSettings;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.KeyValueStore;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Replay's runtime: the pipeline's own rules and processors without the Kafka Streams runtime around them. Each
 * input record takes the path it takes in the topology: catalog and plan records are validated and kept (the
 * topology's global stores; plan versions with their publication time), requests are validated, priced, given
 * their plans as published by then and handed to the very {@code MeterProcessor} the topology runs, with the same stores; failures become rejected
 * records built as the exception handlers build them. One partition, records in file order, each produced at
 * {@code now}. {@code ReplayEngineTest} holds it to byte-identical output with the topology on TopologyTestDriver.
 */
final class ReplayEngine {
    private final Serdes serdes;
    private final JsonSinks sinks;
    private final long now;
    private final long earliest;
    private final BillingConfig config;
    private final Properties properties = new Properties();
    private final File stateDir;
    private final List<StateStore> stores = new ArrayList<>();
    private MockProcessorContext<Object, SpecificRecord> context;
    private Processor<String, PlannedRequest, Object, SpecificRecord> meter;
    private final KeyValueStore<String, PlanPublications> plans;
    private final Map<String, ModelLane> models = new HashMap<>();
    private final Map<LaneRateKey, LaneRate> rates = new LinkedHashMap<>();
    private final Map<String, Long> offsets = new HashMap<>();
    private List<Rate> rateVersions = List.of();

    /** A record that its topic's serdes cannot read. */
    private static final class Malformed extends RuntimeException {
        Malformed(RuntimeException cause) {
            super(cause);
        }
    }

    ReplayEngine(BillingConfig config, Instant now, JsonSinks sinks, Path stateDir) {
        this.serdes = new Serdes(config.wireFormat());
        this.sinks = sinks;
        this.now = now.toEpochMilli();
        this.earliest = config.earliestValidTime().toEpochMilli();
        this.config = config;
        this.stateDir = stateDir.toFile();
        properties.putAll(StreamsSettings.of(config));
        this.context = newContext();
        List<StoreBuilder<?>> builders = new ArrayList<>(MeteringFlow.stores(config, serdes));
        builders.add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PlanFlow.PUBLICATIONS_STORE),
                serdes.string(), serdes.internal(PlanPublications.class)).withLoggingDisabled());
        for (StoreBuilder<?> builder : builders) {
            StateStore store = builder.build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
            stores.add(store);
        }
        this.plans = context.getStateStore(PlanFlow.PUBLICATIONS_STORE);
        this.meter = MeteringFlow.meter(config);
        meter.init(context);
    }

    private MockProcessorContext<Object, SpecificRecord> newContext() {
        MockProcessorContext<Object, SpecificRecord> fresh = new MockProcessorContext<>(properties, new TaskId(0, 0), stateDir);
        fresh.setCurrentSystemTimeMs(now);
        return fresh;
    }

    /**
     * What a restart from committed state does to the meter: the processor is closed and a new one starts on the
     * same stores, with nothing else carried over (its schedule included). Lets tests split a replay anywhere.
     */
    void restart() {
        meter.close();
        context = newContext();
        stores.forEach(context::addStateStore);
        meter = MeteringFlow.meter(config);
        meter.init(context);
    }

    /** Processes one input record as the topology would. */
    void accept(String topic, byte[] key, byte[] value) {
        long offset = offsets.merge(topic, 1L, Long::sum) - 1;
        try {
            switch (topic) {
                case Topics.ROUTED -> request(key, value);
                case Topics.MODELS -> model(key, value);
                case Topics.RATES -> rate(key, value);
                case Topics.PLANS -> plan(key, value);
                default -> throw new IllegalArgumentException("not an input topic: " + topic);
            }
        } catch (Malformed malformed) {
            reject(Reason.MALFORMED, Rejections.describe(malformed.getCause()), topic, offset, key, value);
        } catch (RuntimeException failure) {
            reject(Rejections.reasonOf(failure), Rejections.detailOf(failure), topic, offset, key, value);
        } finally {
            drain();
        }
    }

    /** What the wall-clock punctuation does once the partition is idle and the wall clock is far ahead. */
    void closeOpenMonths(Duration ahead) {
        long later = now + ahead.toMillis();
        context.setCurrentSystemTimeMs(later);
        for (MockProcessorContext.CapturedPunctuator punctuator : context.scheduledPunctuators()) {
            if (punctuator.getType() == PunctuationType.WALL_CLOCK_TIME) {
                punctuator.getPunctuator().punctuate(later);
            }
        }
        drain();
    }

    private void request(byte[] key, byte[] value) {
        String account = decode(serdes.string().deserializer(), Topics.ROUTED, key);
        RoutedRequest request = decode(serdes.avro(RoutedRequest.class).deserializer(), Topics.ROUTED, value);
        RequestRules.check(account, request, now, earliest);
        PricedCandidate priced = RequestPricing.price(request, models.get(request.getServedModel()), rateVersions);
        PlanHistory history = PlanPublishing.asOf(plans.get(account), now);
        meter.process(new Record<>(account, new PlannedRequest(priced, history), now));
    }

    private void model(byte[] key, byte[] value) {
        String modelId = decode(serdes.string().deserializer(), Topics.MODELS, key);
        ModelLane model = decode(serdes.avro(ModelLane.class).deserializer(), Topics.MODELS, value);
        if (model == null) {
            if (modelId != null) {
                models.remove(modelId);
            }
            return;
        }
        CatalogRules.checkModel(modelId, model);
        models.put(modelId, model);
    }

    private void rate(byte[] key, byte[] value) {
        LaneRateKey version = decode(serdes.avro(LaneRateKey.class).deserializer(), Topics.RATES, key);
        LaneRate rate = decode(serdes.avro(LaneRate.class).deserializer(), Topics.RATES, value);
        if (rate == null) {
            if (version != null) {
                rates.remove(version);
            }
        } else {
            CatalogRules.checkRate(version, rate);
            rates.put(version, rate);
        }
        rateVersions = rates.values().stream().map(CatalogRules::toRate).toList();
    }

    private void plan(byte[] key, byte[] value) {
        AccountPlanKey version = decode(serdes.avro(AccountPlanKey.class).deserializer(), Topics.PLANS, key);
        AccountPlan plan = decode(serdes.avro(AccountPlan.class).deserializer(), Topics.PLANS, value);
        PlanRules.check(version, plan);
        // The topology copies the version to the plans' valid topic and folds it into the global store.
        plans.put(plan.getAccountId(), PlanPublishing.with(plans.get(plan.getAccountId()), plan, now));
    }

    private static <T> T decode(Deserializer<T> deserializer, String topic, byte[] bytes) {
        try {
            return deserializer.deserialize(topic, bytes);
        } catch (RuntimeException unreadable) {
            throw new Malformed(unreadable);
        }
    }

    private void reject(Reason reason, String detail, String topic, long offset, byte[] key, byte[] value) {
        sinks.write(Rejections.record(reason, detail, topic, 0, offset, now, key, value));
    }

    private void drain() {
        for (MockProcessorContext.CapturedForward<?, ?> forward : context.forwarded()) {
            sinks.write((SpecificRecord) forward.record().value());
        }
        context.resetForwards();
    }
}
