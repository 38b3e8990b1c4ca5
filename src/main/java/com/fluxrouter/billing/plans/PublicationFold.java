package com.fluxrouter.billing.plans;

import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.state.PlanPublications;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The global store's processor: adds each validated plan version, with its record timestamp as the time it was
 * published, to its account's {@link PlanPublications} in {@value PlanFlow#PUBLICATIONS_STORE}. It reads
 * {@code flux-billing.accounts.plans.valid}, which holds only versions that passed {@link PlanRules}, and Kafka
 * Streams runs it again over the whole topic when it rebuilds the store, so it must not fail and forwards nothing.
 * It tells the tasks' readers ({@link PublishedPlans}) after every change.
 */
final class PublicationFold implements Processor<AccountPlanKey, AccountPlan, Void, Void> {
    private final PublishedPlans readers;
    private KeyValueStore<String, PlanPublications> store;

    /** @param readers told after every change, so that the tasks' readers forget what they hold */
    PublicationFold(PublishedPlans readers) {
        this.readers = readers;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(PlanFlow.PUBLICATIONS_STORE);
        // A safeguard: the store may hold publications its readers have not been told of.
        readers.changed();
    }

    /** A tombstone cannot be valid (rule 6), so none reaches the copy; one written by hand is skipped. */
    @Override
    public void process(Record<AccountPlanKey, AccountPlan> record) {
        AccountPlan plan = record.value();
        if (plan == null) {
            return;
        }
        String account = plan.getAccountId();
        store.put(account, PlanPublishing.with(store.get(account), plan, record.timestamp()));
        readers.changed();
    }
}
