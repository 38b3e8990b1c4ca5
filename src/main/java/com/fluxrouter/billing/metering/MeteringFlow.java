package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.caching.WriteBehindStore;
import com.fluxrouter.billing.caching.WriteBehindStoreBuilder;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.plans.PublishedPlans;
import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.fluxrouter.billing.schema.state.PlanHistory;
import com.fluxrouter.billing.serde.Serdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The metering sub-flow: priced requests join their account's plan history and enter the {@link MeterProcessor}
 * together with the changes of the plan-history table (rule 12: a plan change acts on the account's status without a
 * request). The meter's stores hold the account-months, the accepted request ids (forgotten by the meter's walk of
 * the store, {@link AcceptedIdSweep}), the index of what falls due when (closes, purges, spend-status deadlines, and
 * the ids to forget that an earlier release scheduled), the billing clock and each account's last spend status.
 */
public final class MeteringFlow {
    public static final String REQUEST_IDS_STORE = "accepted-request-ids";
    public static final String MONTHS_STORE = "account-months";
    public static final String DEADLINES_STORE = "billing-deadlines";
    public static final String CLOCK_STORE = "billing-clock";
    /** Account id to the last SpendStatus emitted for it (rule 12). */
    public static final String STATUS_STORE = "spend-status";
    /** The always-empty table the requests join, so that the plan history is co-partitioned with them. */
    static final String CO_PARTITION = "plans-co-partition";

    private MeteringFlow() {
    }

    /**
     * Returns every output of the processor: priced requests, overage updates, alerts, invoice lines and spend
     * statuses, each to be forwarded to its {@link OutputSink} by name (the caller adds the five sinks). The join keeps
     * the plan history co-partitioned with the requests ({@link #coPartitioned}); each request is then priced and
     * metered under the plans published by its record timestamp ({@link PriceRequest}, rules 1, 2 and 6). The table's
     * changes, each stamped with its publication, reach the meter as {@link PlanChange}s (rule 12).
     *
     * @param requests valid requests, each on its account's partition ({@code IntakeFlow})
     * @param catalog   the catalog flow's readers of its global stores, for pricing
     * @param published the topology's readers of the plan-publications global store, for pricing
     */
    public static KStream<Object, SpecificRecord> build(KStream<String, RoutedRequest> requests,
                                                        KTable<String, PlanHistory> plans,
                                                        CatalogFlow.Readers catalog, PublishedPlans published,
                                                        Serdes serdes, BillingConfig config) {
        boolean rateCache = config.rateCache();
        boolean modelCache = config.modelCache();
        int plansCacheEntries = config.plansCacheEntries();
        KStream<String, MeterInput> priced = requests
                .leftJoin(coPartitioned(plans, serdes), (request, none) -> request, Joined.as("requests-join-plans"))
                .processValues(() -> new PriceRequest(catalog, rateCache, modelCache, published, plansCacheEntries),
                        Named.as("requests-price"));
        KStream<String, MeterInput> planChanges = plans.toStream(Named.as("plan-changes"))
                .mapValues((account, history) -> (MeterInput) new PlanChange(account, history),
                        Named.as("plan-changes-to-meter"));
        return priced.merge(planChanges, Named.as("meter-inputs"))
                .process(new Supplier(config, serdes), Named.as("meter"));
    }

    /**
     * A table derived from the plan history that is always empty: what the requests join. Kafka Streams co-partitions
     * a stream with a table, giving the plans' repartition topic the requests' partition count, only for a join; so
     * an account's plan history, and the plan changes the meter reads, are on its requests' task. The requests need
     * none of the history's values ({@link PriceRequest} reads the plans as published), and joining the history
     * itself decoded it on every request (docs/performance.md). Its store holds nothing and has no changelog.
     * Materialized, so that the join reads its empty store rather than the history through the filter. A filter of a
     * materialized table makes Kafka Streams send {@code plans-fold}'s old values (one more read of an account's
     * previous history per plan change, seldom); with them the filter finds nothing before or after and writes nothing.
     */
    private static KTable<String, PlanHistory> coPartitioned(KTable<String, PlanHistory> plans, Serdes serdes) {
        return plans.filter((account, history) -> false, Named.as(CO_PARTITION + "-filter"),
                Materialized.<String, PlanHistory>as(Stores.inMemoryKeyValueStore(CO_PARTITION))
                        .withKeySerde(serdes.string())
                        .withValueSerde(serdes.internal(PlanHistory.class))
                        .withCachingDisabled()
                        .withLoggingDisabled());
    }

    /** Key of an account-month in the {@value #MONTHS_STORE} store. */
    public static String ledgerKey(String accountId, String month) {
        return MeterTransition.ledgerKey(accountId, month);
    }

    /** A new meter processor; replay drives it directly. */
    public static Processor<String, MeterInput, Object, SpecificRecord> meter(BillingConfig config) {
        return new MeterProcessor(config);
    }

    /** The meter's own stores (the plans are the plans sub-flow's global store). */
    public static Set<StoreBuilder<?>> stores(BillingConfig config, Serdes serdes) {
        // Ordered, so that the topology description lists the stores the same way on every run.
        Set<StoreBuilder<?>> stores = new LinkedHashSet<>();
        // No cache: every key is new, so the record cache coalesces nothing and only adds its own bookkeeping (a
        // third of the stream thread's time in the profile, docs/performance.md) while pushing the account-months'
        // hot entries out of the shared cache.
        stores.add(keyValue(config, REQUEST_IDS_STORE, serdes.string(),
                org.apache.kafka.common.serialization.Serdes.Long()));
        stores.add(heldUntilCommit(config, keyValue(config, MONTHS_STORE, serdes.string(),
                serdes.internal(MonthLedger.class)), true));
        // No cache: range scans over a caching store copy the cache's keys on every scan.
        stores.add(keyValue(config, DEADLINES_STORE, org.apache.kafka.common.serialization.Serdes.Bytes(),
                org.apache.kafka.common.serialization.Serdes.ByteArray()));
        stores.add(cached(config, keyValue(config, CLOCK_STORE, serdes.string(),
                org.apache.kafka.common.serialization.Serdes.Long())));
        // Without the held writes: a status is written only when emitted (a few times per hundred requests at a
        // thousand accounts, once per request where every account is new) and read through the statuses the meter
        // holds, yet the bench measured the record cache as a gain at a thousand accounts and a cost at a million
        // (docs/performance.md): a setting.
        StoreBuilder<KeyValueStore<String, SpendStatus>> statuses = keyValue(config, STATUS_STORE, serdes.string(),
                serdes.internal(SpendStatus.class));
        stores.add(heldUntilCommit(config, statuses, config.statusStoreRecordCache()));
        return stores;
    }

    /**
     * The account-months' and statuses' writes held as objects until the commit ({@link WriteBehindStore}); with
     * {@code flux.billing.write-behind-entries} 0, Kafka Streams' record cache instead where {@code recordCache}.
     */
    private static <K, V> StoreBuilder<KeyValueStore<K, V>> heldUntilCommit(BillingConfig config,
                                                                          StoreBuilder<KeyValueStore<K, V>> builder,
                                                                          boolean recordCache) {
        if (config.writeBehindEntries() > 0) {
            return new WriteBehindStoreBuilder<>(builder, config.writeBehindEntries());
        }
        return recordCache ? cached(config, builder) : builder;
    }

    /** The record cache saves RocksDB reads and changelog writes; in front of a memory store it only costs. */
    private static <K, V> StoreBuilder<KeyValueStore<K, V>> cached(BillingConfig config,
                                                                 StoreBuilder<KeyValueStore<K, V>> builder) {
        return config.storeKind() == BillingConfig.StoreKind.ROCKSDB ? builder.withCachingEnabled() : builder;
    }

    private static <K, V> StoreBuilder<KeyValueStore<K, V>> keyValue(BillingConfig config, String name, Serde<K> keys,
                                                                   Serde<V> values) {
        KeyValueBytesStoreSupplier supplier = config.storeKind() == BillingConfig.StoreKind.IN_MEMORY
                ? Stores.inMemoryKeyValueStore(name)
                : Stores.persistentKeyValueStore(name);
        StoreBuilder<KeyValueStore<K, V>> builder = Stores.keyValueStoreBuilder(supplier, keys, values);
        return config.changelogs() ? builder : builder.withLoggingDisabled();
    }

    private record Supplier(BillingConfig config, Serdes serdes)
            implements ProcessorSupplier<String, MeterInput, Object, SpecificRecord> {

        @Override
        public Processor<String, MeterInput, Object, SpecificRecord> get() {
            return meter(config);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return MeteringFlow.stores(config, serdes);
        }
    }
}
