package com.fluxrouter.billing.plans;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.state.PlanHistory;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Check;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The plans sub-flow: plan versions are validated (bad ones rejected), re-keyed by account and folded into one
 * {@link PlanHistory} per account. The request flow joins against this table, which makes Kafka Streams
 * co-partition the re-keyed plans with the requests, so an account's plans and months live in one task.
 */
public final class PlanFlow {
    public static final String STORE = "plan-history";
    public static final String REPARTITION = "plans-by-account";

    private PlanFlow() {
    }

    public static KTable<String, PlanHistory> build(StreamsBuilder builder, Serdes serdes, BillingConfig config) {
        Materialized<String, PlanHistory, KeyValueStore<Bytes, byte[]>> store =
                Materialized.<String, PlanHistory, KeyValueStore<Bytes, byte[]>>as(STORE)
                        .withKeySerde(serdes.string())
                        .withValueSerde(serdes.internal(PlanHistory.class));
        return builder.stream(Topics.PLANS, Consumed.with(serdes.avro(AccountPlanKey.class), serdes.avro(AccountPlan.class))
                        .withName("plans-source"))
                .processValues(() -> new Check<AccountPlanKey, AccountPlan>(PlanRules::check), Named.as("plans-validate"))
                .groupBy((key, plan) -> plan.getAccountId(),
                        Grouped.<String, AccountPlan>as(REPARTITION).withKeySerde(serdes.string())
                                .withValueSerde(serdes.internal(AccountPlan.class)))
                .aggregate(PlanHistories::empty, (account, plan, history) -> PlanHistories.with(history, plan),
                        Named.as("plans-fold"),
                        config.changelogs() ? store : store.withLoggingDisabled());
    }
}
