package com.fluxrouter.billing.replay;

import com.fluxrouter.billing.catalog.CatalogRules;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.errors.Rejections;
import com.fluxrouter.billing.errors.WriteFailedException;
import com.fluxrouter.billing.intake.PricedCandidate;
import com.fluxrouter.billing.intake.RequestPricing;
import com.fluxrouter.billing.intake.RequestRules;
import com.fluxrouter.billing.metering.MeteringFlow;
import com.fluxrouter.billing.metering.MeterInput;
import com.fluxrouter.billing.metering.PlanChange;
import com.fluxrouter.billing.metering.PlannedRequest;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.plans.PlanHistories;
import com.fluxrouter.billing.plans.PlanPublishing;
import com.fluxrouter.billing.plans.PublishedPlans;
import com.fluxrouter.billing.plans.PlanRules;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.PlanHistory;
import com.fluxrouter.billing.schema.state.PlanPublications;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.StreamsSettings;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.io.File;
import java.nio.charset.StandardCharsets;
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
 * their plans as published by their record timestamp and handed to the very {@code MeterProcessor} the topology
 * runs, with the same stores by name and serdes (kept in memory by {@link ReplayStores}); each valid plan version
 * also folds into its account's plan history, whose change
 * reaches the account's meter as the plan-history table's change stream does live (rule 12); failures become rejected
 * records built as the exception handlers build them. {@code ReplayEngineTest} holds it to byte-identical output
 * with the topology on TopologyTestDriver.
 *
 * <p>Time and partitions as live (rules 4 and 10 of docs/billing-rules.md): {@code now} is replay's wall clock; a
 * record's timestamp is its {@code produced_at} capped at {@code now}, or {@code now} when it has none. Requests run
 * on {@code partitions} partitions, each a task of its own with its own meter, stores and billing clock, an account
 * on the partition Kafka's default partitioner gives its key (murmur2 of the key bytes modulo the partition count),
 * records of a partition in file order.
 */
final class ReplayEngine {
    /** Epoch 0: before every valid completed_at (rule 4's earliest valid time is 2020). */
    private static final long PLAN_PUBLISHED_WITHOUT_PRODUCED_AT = 0L;
    private final Serdes serdes;
    private final JsonSinks sinks;
    private final long now;
    private final long earliest;
    private final BillingConfig config;
    private final Properties properties = new Properties();
    private final File stateDir;
    private final KeyValueStore<String, PlanPublications> plans;
    /** Told of every plan folded into {@link #plans}, so that {@link #publishedPlans} forgets what it holds. */
    private final PublishedPlans published = new PublishedPlans();
    /**
     * The accounts' publications read from {@link #plans} as the pipeline's pricing reads them (held from an account's
     * second request until a plan version is published): decoding them on every request was 4 % of replay's thread.
     */
    private final PublishedPlans.Reader publishedPlans;
    /** The plan-history table: each account's versions, and the timestamp of its latest change (the fold's). */
    private final Map<String, PlanHistory> histories = new HashMap<>();
    private final Map<String, Long> historyChangedAt = new HashMap<>();
    private final List<Task> tasks = new ArrayList<>();
    private final Map<String, ModelLane> models = new HashMap<>();
    private final Map<LaneRateKey, LaneRate> rates = new LinkedHashMap<>();
    /** Next offset of each partition of each topic, for records whose line does not give one. */
    private final Map<String, long[]> offsets = new HashMap<>();
    private List<Rate> rateVersions = List.of();

    /** A record that its topic's serdes cannot read. */
    private static final class Malformed extends RuntimeException {
        Malformed(RuntimeException cause) {
            super(cause);
        }
    }

    /** One partition of the request topic: its meter, with its own context and stores. */
    private final class Task {
        private final int partition;
        private final List<StateStore> stores = new ArrayList<>();
        private MockProcessorContext<Object, SpecificRecord> context;
        private Processor<String, MeterInput, Object, SpecificRecord> meter;
        /** The task's stream time (epoch ms): the latest record timestamp it has taken, as Kafka Streams keeps it. */
        private long streamTime = Long.MIN_VALUE;

        Task(int partition, StateStore planStore) {
            this.partition = partition;
            this.context = newContext();
            for (StateStore store : ReplayStores.meter(config, serdes)) {
                store.init(context.getStateStoreContext(), store);
                context.addStateStore(store);
                stores.add(store);
            }
            // The plan publications are a global store: one store serves every task.
            context.addStateStore(planStore);
            stores.add(planStore);
            this.meter = MeteringFlow.meter(config);
            meter.init(context);
        }

        private MockProcessorContext<Object, SpecificRecord> newContext() {
            MockProcessorContext<Object, SpecificRecord> fresh =
                    new MockProcessorContext<>(properties, new TaskId(0, partition), stateDir);
            fresh.setCurrentSystemTimeMs(now);
            fresh.setCurrentStreamTimeMs(streamTime);
            return fresh;
        }

        /** The task takes a record stamped {@code timestamp} (epoch ms): its stream time moves to it if later. */
        void take(long timestamp) {
            streamTime = Math.max(streamTime, timestamp);
            context.setCurrentStreamTimeMs(streamTime);
        }

        void restart() {
            meter.close();
            context = newContext();
            stores.forEach(context::addStateStore);
            meter = MeteringFlow.meter(config);
            meter.init(context);
        }

        /**
         * Moves the wall clock {@code later} so that every month closes; the new periods that start past replay's
         * {@code now} are not written: they describe no time the input reached (rule 12, replay).
         */
        void closeOpenMonths(long later) {
            context.setCurrentSystemTimeMs(later);
            for (MockProcessorContext.CapturedPunctuator punctuator : context.scheduledPunctuators()) {
                if (punctuator.getType() == PunctuationType.WALL_CLOCK_TIME) {
                    punctuator.getPunctuator().punctuate(later);
                }
            }
            drain(now);
        }

        void drain() {
            drain(Long.MAX_VALUE);
        }

        /** Writes what the meter forwarded, but spend statuses as of after {@code statusesUpTo} (epoch ms). */
        private void drain(long statusesUpTo) {
            for (MockProcessorContext.CapturedForward<?, ?> forward : context.forwarded()) {
                SpecificRecord record = (SpecificRecord) forward.record().value();
                if (!(record instanceof SpendStatus status) || status.getAsOf().toEpochMilli() <= statusesUpTo) {
                    sinks.write(record);
                }
            }
            context.resetForwards();
        }
    }

    /** One partition, as before partitions were a choice. */
    ReplayEngine(BillingConfig config, Instant now, JsonSinks sinks, Path stateDir) {
        this(config, now, 1, sinks, stateDir);
    }

    /**
     * @param now        replay's wall clock: no record timestamp is later
     * @param partitions partitions of the request and plan topics, each with its own billing clock (at least 1)
     * @throws IllegalArgumentException when partitions is below 1
     */
    ReplayEngine(BillingConfig config, Instant now, int partitions, JsonSinks sinks, Path stateDir) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
        }
        this.serdes = new Serdes(config.wireFormat());
        this.sinks = sinks;
        this.now = now.toEpochMilli();
        this.earliest = config.earliestValidTime().toEpochMilli();
        this.config = config;
        this.stateDir = stateDir.toFile();
        properties.putAll(StreamsSettings.of(config));
        MemoryStore<String, PlanPublications> planStore =
                ReplayStores.planPublications(serdes).store(PlanFlow.PUBLICATIONS_STORE);
        MockProcessorContext<Object, SpecificRecord> planContext =
                new MockProcessorContext<>(properties, new TaskId(0, 0), this.stateDir);
        planStore.init(planContext.getStateStoreContext(), planStore);
        for (int partition = 0; partition < partitions; partition++) {
            tasks.add(new Task(partition, planStore));
        }
        this.plans = planStore;
        this.publishedPlans = published.cached(planStore, config.plansCacheEntries());
    }

    /**
     * What a restart from committed state does to the meters: each processor is closed and a new one starts on
     * the same stores, with nothing else carried over (its schedule included). Lets tests split a replay anywhere.
     */
    void restart() {
        tasks.forEach(Task::restart);
    }

    /** Processes one input record, produced at {@code now}, as the topology would. */
    void accept(String topic, byte[] key, byte[] value) {
        accept(new InputFiles.Input(topic, key, value, null, null, null));
    }

    /** Processes one input record as the topology would, at its produced_at capped at {@code now}. */
    void accept(InputFiles.Input input) {
        String topic = input.topic();
        int partition = partitionOf(input);
        long timestamp = input.producedAt() == null ? now : Math.min(input.producedAt(), now);
        long[] next = offsets.computeIfAbsent(topic, unseen -> new long[tasks.size()]);
        long offset = input.offset() != null ? input.offset() : next[partition];
        next[partition] = offset + 1;
        Task task = tasks.get(Topics.ROUTED.equals(topic) ? partition : 0);
        try {
            switch (topic) {
                case Topics.ROUTED -> {
                    task.take(timestamp);
                    request(task, input.key(), input.value(), timestamp);
                }
                case Topics.MODELS -> model(input.key(), input.value());
                case Topics.RATES -> rate(input.key(), input.value());
                // A plan version without produced_at counts as published before any request (rule 6, "Production
                // order"): such input gives versions, not when they became known.
                case Topics.PLANS -> plan(input.key(), input.value(),
                        input.producedAt() == null ? PLAN_PUBLISHED_WITHOUT_PRODUCED_AT : timestamp, timestamp);
                default -> throw new IllegalArgumentException("not an input topic: " + topic);
            }
        } catch (WriteFailedException notTheRecordsFault) {
            // Live, the task fails and the record is processed again; replay has nothing to retry on: it stops.
            throw notTheRecordsFault;
        } catch (Malformed malformed) {
            reject(Reason.MALFORMED, Rejections.describe(malformed.getCause()), topic, partition, offset, timestamp,
                    input.key(), input.value());
        } catch (RuntimeException failure) {
            reject(Rejections.reasonOf(failure), Rejections.detailOf(failure), topic, partition, offset, timestamp,
                    input.key(), input.value());
        } finally {
            task.drain();
        }
    }

    /**
     * The catalog topics have one partition. Requests and plans go where Kafka's default partitioner puts their key
     * bytes; a record without a key (a line that is no record) stays on the partition its line names, if any.
     */
    private int partitionOf(InputFiles.Input input) {
        int count = tasks.size();
        if (Topics.MODELS.equals(input.topic()) || Topics.RATES.equals(input.topic())) {
            return 0;
        }
        if (input.key() != null) {
            return Utils.toPositive(Utils.murmur2(input.key())) % count;
        }
        return input.partition() == null ? 0 : Math.floorMod(input.partition(), count);
    }

    /** What the wall-clock punctuation does once each partition is idle and the wall clock is far ahead. */
    void closeOpenMonths(Duration ahead) {
        long later = now + ahead.toMillis();
        for (Task task : tasks) {
            task.closeOpenMonths(later);
        }
    }

    private void request(Task task, byte[] key, byte[] value, long timestamp) {
        String account = decode(serdes.string().deserializer(), Topics.ROUTED, key);
        RoutedRequest request = decode(serdes.avro(RoutedRequest.class).deserializer(), Topics.ROUTED, value);
        RequestRules.check(account, request, timestamp, earliest);
        PricedCandidate priced = RequestPricing.price(request, models.get(request.getServedModel()), rateVersions);
        PlanHistory history = publishedPlans.asOf(account, timestamp);
        task.meter.process(new Record<>(account, new PlannedRequest(priced, history), timestamp));
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

    /**
     * @param publishedAt when the version became known (epoch ms): its record timestamp, or 0 without produced_at
     * @param timestamp   its record timestamp (epoch ms), which stamps the plan-history change as it does live
     */
    private void plan(byte[] key, byte[] value, long publishedAt, long timestamp) {
        AccountPlanKey version = decode(serdes.avro(AccountPlanKey.class).deserializer(), Topics.PLANS, key);
        AccountPlan plan = decode(serdes.avro(AccountPlan.class).deserializer(), Topics.PLANS, value);
        PlanRules.check(version, plan);
        // The topology copies the version to the plans' valid topic and folds it into the global store.
        String account = plan.getAccountId();
        plans.put(account, PlanPublishing.with(plans.get(account), plan, publishedAt));
        published.changed();
        // ... and folds it into the plan-history table, whose change (stamped with the latest timestamp the fold has
        // seen, as Kafka Streams' aggregation does) reaches the meter of the account's partition.
        PlanHistory history = PlanHistories.with(histories.getOrDefault(account, PlanHistories.empty()), plan);
        histories.put(account, history);
        long changedAt = Math.max(timestamp, historyChangedAt.getOrDefault(account, Long.MIN_VALUE));
        historyChangedAt.put(account, changedAt);
        Task task = tasks.get(Utils.toPositive(Utils.murmur2(account.getBytes(StandardCharsets.UTF_8))) % tasks.size());
        try {
            task.take(changedAt);
            task.meter.process(new Record<>(account, new PlanChange(account, history), changedAt));
        } finally {
            task.drain();
        }
    }

    private static <T> T decode(Deserializer<T> deserializer, String topic, byte[] bytes) {
        try {
            return deserializer.deserialize(topic, bytes);
        } catch (RuntimeException unreadable) {
            throw new Malformed(unreadable);
        }
    }

    private void reject(Reason reason, String detail, String topic, int partition, long offset, long timestamp,
                        byte[] key, byte[] value) {
        sinks.write(Rejections.record(reason, detail, topic, partition, offset, timestamp, key, value));
    }
}
