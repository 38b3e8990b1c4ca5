package com.fluxrouter.billing.plans;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.state.PlanHistory;
import com.fluxrouter.billing.schema.state.PlanPublications;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Check;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The plans sub-flow: plan versions are validated (bad ones rejected), then
 * <ul>
 *   <li>copied to {@code flux-billing.accounts.plans.valid} and read back into the global store
 *   {@value #PUBLICATIONS_STORE}: every valid version with the time it was published. Metering reads the plans
 *   from it as they stood when each request was produced (rule 6, "Production order"). Kafka Streams loads a global
 *   store up to the end of its topic before any task processes a record, so after a reset every plan published
 *   before a request is there before the request is metered;</li>
 *   <li>re-keyed by account and folded into one {@link PlanHistory} per account ({@value #STORE}), the current
 *   plans that the HTTP API and the readiness waits read. The request flow joins an always-empty table filtered from
 *   it ({@code plans-co-partition}), which keeps it co-partitioned with the requests, so an account's plans and months
 *   live in one task.</li>
 * </ul>
 */
public final class PlanFlow {
    public static final String STORE = "plan-history";
    public static final String REPARTITION = "plans-by-account";
    /** Global store: every valid plan version of an account with its publication time. */
    public static final String PUBLICATIONS_STORE = "plan-publications";

    private PlanFlow() {
    }

    /**
     * Adds the plans sub-flow to {@code builder}.
     *
     * @return the current plan history per account (store {@value #STORE})
     */
    public static KTable<String, PlanHistory> build(StreamsBuilder builder, Serdes serdes, BillingConfig config,
                                                  String applicationId) {
        Materialized<String, PlanHistory, KeyValueStore<Bytes, byte[]>> store =
                Materialized.<String, PlanHistory, KeyValueStore<Bytes, byte[]>>as(STORE)
                        .withKeySerde(serdes.string())
                        .withValueSerde(serdes.internal(PlanHistory.class));
        KStream<AccountPlanKey, AccountPlan> valid = builder.stream(Topics.PLANS,
                        Consumed.with(serdes.avro(AccountPlanKey.class), serdes.avro(AccountPlan.class))
                                .withName("plans-source"))
                .processValues(() -> new Check<AccountPlanKey, AccountPlan>(PlanRules::check), Named.as("plans-validate"));
        // The copy keeps each record's timestamp: the time the version was published.
        valid.to(Topics.plansValid(applicationId), Produced.with(serdes.internal(AccountPlanKey.class), serdes.internal(AccountPlan.class))
                .withName("plans-valid-sink"));
        return valid
                .groupBy((key, plan) -> plan.getAccountId(),
                        Grouped.<String, AccountPlan>as(REPARTITION).withKeySerde(serdes.string())
                                .withValueSerde(serdes.internal(AccountPlan.class)))
                .aggregate(PlanHistories::empty, (account, plan, history) -> PlanHistories.with(history, plan),
                        Named.as("plans-fold"),
                        config.changelogs() ? store : store.withLoggingDisabled());
    }

    /**
     * Adds the global store {@value #PUBLICATIONS_STORE}, read from the valid copy that {@link #build} writes, whose
     * processor tells {@code readers} of every change. Added
     * after the request flow, so that the sub-topologies that existed before it keep their numbers (task ids, and
     * with them the local state directories, stay the same on upgrade).
     */
    public static void buildPublications(StreamsBuilder builder, Serdes serdes, BillingConfig config,
                                         String applicationId, PublishedPlans readers) {
        builder.addGlobalStore(publications(config, serdes), Topics.plansValid(applicationId),
                Consumed.with(serdes.internal(AccountPlanKey.class), serdes.internal(AccountPlan.class))
                        .withName(PUBLICATIONS_STORE),
                () -> new PublicationFold(readers));
    }

    /**
     * The {@value #PUBLICATIONS_STORE} store. A global store has no changelog: its topic is its changelog, and Kafka
     * Streams rebuilds it by running {@link PublicationFold} over the topic again.
     */
    public static StoreBuilder<KeyValueStore<String, PlanPublications>> publications(BillingConfig config, Serdes serdes) {
        KeyValueBytesStoreSupplier supplier = config.storeKind() == BillingConfig.StoreKind.IN_MEMORY
                ? Stores.inMemoryKeyValueStore(PUBLICATIONS_STORE)
                : Stores.persistentKeyValueStore(PUBLICATIONS_STORE);
        return Stores.keyValueStoreBuilder(supplier, serdes.string(), serdes.internal(PlanPublications.class))
                .withLoggingDisabled();
    }
}
