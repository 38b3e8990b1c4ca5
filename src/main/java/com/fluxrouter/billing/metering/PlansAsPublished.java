package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.plans.PublishedPlans;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Gives each request the plan history as it stood when the request was produced (rule 6, "Production order"): the
 * versions published at or before the request's record timestamp (its append time on
 * {@code flux.requests.routed}), read from the {@value PlanFlow#PUBLICATIONS_STORE} global store. It replaces the
 * history the join attached, which is the history as this task has received it so far, so that a re-run, which
 * receives every plan first, bills each request under the plans of the first run.
 */
final class PlansAsPublished implements FixedKeyProcessor<String, PlannedRequest, MeterInput> {
    private FixedKeyProcessorContext<String, MeterInput> context;
    private PublishedPlans plans;

    @Override
    public void init(FixedKeyProcessorContext<String, MeterInput> context) {
        this.context = context;
        this.plans = PublishedPlans.of(context.getStateStore(PlanFlow.PUBLICATIONS_STORE));
    }

    @Override
    public void process(FixedKeyRecord<String, PlannedRequest> record) {
        PlannedRequest joined = record.value();
        String account = joined.candidate().request().getAccountId();
        context.forward(record.withValue((MeterInput) new PlannedRequest(joined.candidate(), plans.asOf(account, record.timestamp()))));
    }
}
