package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.alerts.Alert;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.WritePhase;
import com.fluxrouter.billing.observability.PipelineMeters;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.plans.PublishedPlans;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.fluxrouter.billing.schema.state.PlanHistory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.List;
import java.util.Map;

/**
 * The billing state machine of one partition's accounts (rules 3, 5 to 12), in two phases per record. Compute:
 * {@link MeterTransition} turns the record (a request or a plan change) and the state it touches into a
 * {@link MeterStep} (state writes and output records) without writing anything; a failure there (TOO_LATE,
 * ACCOUNT_MONTH_LIMIT, or a bug) reaches the rejection handler with nothing of the request written, forwarded or
 * remembered. A plan change is no input to reject (the version is valid and already in force): a failure computing
 * its step is logged and nothing is applied; the account's next request or deadline computes its status again. Write: the step's state writes,
 * then its outputs in order, inside {@link WritePhase}; a failure there fails the task, the transaction aborts and
 * the record is processed again. Months close when the partition's billing clock reaches their end plus grace.
 *
 * <p>The billing clock is the latest completed_at of accepted requests, kept in a store so it survives restarts.
 * Rejected records never move it, so no bad record can close a month early. A partition whose clock no accepted
 * request has moved for {@code flux.billing.idle-close-after} lets it follow the wall clock, so quiet partitions
 * (and partitions receiving only duplicates or late requests) still close their months; a busy or lagging partition
 * closes by event time alone, which is also what replay does. The idle close is computed and written the same way;
 * having no record to reject, a failure while computing it is logged and nothing is applied (the next check tries
 * again).
 */
final class MeterProcessor implements Processor<String, MeterInput, Object, SpecificRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(MeterProcessor.class);
    private static final String CLOCK_KEY = "billing-clock";

    private final BillingConfig config;
    private final MeterTransition transition;
    private final long idleMs;

    private ProcessorContext<Object, SpecificRecord> context;
    /** Accepted id (account + request_id) to the billing clock when it was accepted. */
    private KeyValueStore<String, Long> requestIds;
    private HeldValues<MonthLedger> months;
    private KeyValueStore<String, Long> clockStore;
    /** Account id to the last spend status emitted for it (rule 12); new at every init, so nothing held outlives a rollback. */
    private HeldValues<SpendStatus> statuses;
    private PublishedPlans.Reader plans;
    private DeadlineIndex deadlines;
    /** Forgets ids whose window has passed; null when each id has a FORGET_ID deadline instead. */
    private AcceptedIdSweep sweep;
    private Sensor pricedRequests;
    private Sensor duplicates;
    private Sensor lateRequests;
    private Sensor monthsClosed;
    /** The pipeline instance's counters of alerts and overage updates (attempts: see PipelineMeters). */
    private PipelineMeters meters;

    /** The stored clock; changed only when a step's writes are applied. */
    private long clock;
    /** Wall-clock time at which an accepted request last moved the clock: the partition is busy until idle. */
    private long lastClockMoveWallMs;
    private final MeterState state = new StoreState();

    MeterProcessor(BillingConfig config) {
        this.config = config;
        this.transition = new MeterTransition(config.dedupWindow().toMillis(), config.grace().toMillis(),
                config.supplementalWindow().toMillis(), config.statusInterval().toMillis(),
                config.forgetIdsByDeadline());
        this.idleMs = config.idleCloseAfter().toMillis();
    }

    @Override
    public void init(ProcessorContext<Object, SpecificRecord> context) {
        this.context = context;
        this.requestIds = context.getStateStore(MeteringFlow.REQUEST_IDS_STORE);
        this.months = new HeldValues<>(context.getStateStore(MeteringFlow.MONTHS_STORE), config.monthCacheEntries());
        this.clockStore = context.getStateStore(MeteringFlow.CLOCK_STORE);
        this.statuses = new HeldValues<>(context.getStateStore(MeteringFlow.STATUS_STORE), config.statusCacheEntries());
        // Read on every call: the meter reads plans at closes, deadlines and plan changes, seldom in a request.
        this.plans = PublishedPlans.everyRequest(context.getStateStore(PlanFlow.PUBLICATIONS_STORE));
        this.deadlines = new DeadlineIndex(context.getStateStore(MeteringFlow.DEADLINES_STORE));
        this.sweep = config.forgetIdsByDeadline() ? null : new AcceptedIdSweep(requestIds, config.dedupWindow().toMillis());
        String task = context.taskId().toString();
        this.pricedRequests = sensor(task, "priced");
        this.duplicates = sensor(task, "duplicates");
        this.lateRequests = sensor(task, "late-requests");
        this.monthsClosed = sensor(task, "months-closed");
        this.meters = PipelineMeters.from(context.appConfigs());
        Long stored = clockStore.get(CLOCK_KEY);
        this.clock = stored == null ? Long.MIN_VALUE : stored;
        this.lastClockMoveWallMs = context.currentSystemTimeMs();
        context.schedule(config.closeCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
    }

    private Sensor sensor(String task, String operation) {
        return context.metrics().addRateTotalSensor("flux-billing", task, operation, Sensor.RecordingLevel.INFO);
    }

    /**
     * Computes the record's step, then applies it. A request's failures while computing are the handler's to
     * reject; a plan change's are logged, and nothing of it is applied.
     */
    @Override
    public void process(Record<String, MeterInput> record) {
        if (record.value() instanceof PlanChange change) {
            onPlanChange(change, record.timestamp());
            return;
        }
        MeterStep step = transition.meter(state, (PlannedRequest) record.value(), record.timestamp());
        apply(step);
        if (sweep != null) {
            // Its deletes are state writes: a failure fails the task, never the request (already applied).
            WritePhase.run(() -> sweep.afterRequest(clock));
        }
    }

    private void onPlanChange(PlanChange change, long timestamp) {
        MeterStep step;
        try {
            step = transition.planChange(state, change, timestamp, context.currentSystemTimeMs(),
                    Math.max(timestamp, context.currentStreamTimeMs()));
        } catch (RuntimeException bug) {
            LOG.error("Spend status of account {} after a plan change failed while computing; nothing applied",
                    change.accountId(), bug);
            return;
        }
        apply(step);
    }

    private void onWallClock(long now) {
        if (now - lastClockMoveWallMs < idleMs) {
            return;
        }
        MeterStep step;
        try {
            step = transition.advance(state, now);
        } catch (RuntimeException bug) {
            // No record to reject, and nothing was written: the months stay open and the next check tries again.
            LOG.error("Idle close of task {} at {} failed while computing; nothing applied", context.taskId(), now, bug);
            return;
        }
        apply(step);
        if (sweep != null) {
            WritePhase.run(() -> sweep.afterIdleAdvance(clock));
        }
    }

    /** Writes the step's state, then forwards its outputs in order; any failure fails the task (WritePhase). */
    private void apply(MeterStep step) {
        WritePhase.run(() -> {
            MeterTransition.faultPoint.reached(FaultPoint.Step.WRITE_STATE);
            writeState(step);
            for (MeterStep.Output output : step.outputs()) {
                MeterTransition.faultPoint.reached(FaultPoint.Step.FORWARD);
                context.forward(new Record<>(output.key(), output.value(), output.timestamp()),
                        OutputSink.of(output.value()).nodeName());
            }
            record(step);
        });
    }

    private void writeState(MeterStep step) {
        for (Map.Entry<String, Long> id : step.requestIdWrites().entrySet()) {
            if (id.getValue() == null) {
                requestIds.delete(id.getKey());
            } else {
                requestIds.put(id.getKey(), id.getValue());
            }
        }
        for (Map.Entry<String, MonthLedger> month : step.monthWrites().entrySet()) {
            if (month.getValue() == null) {
                months.delete(month.getKey());
            } else {
                months.put(month.getKey(), month.getValue());
            }
        }
        for (Map.Entry<String, SpendStatus> status : step.statusWrites().entrySet()) {
            statuses.put(status.getKey(), status.getValue());
        }
        for (MeterStep.DeadlineWrite write : step.deadlineWrites()) {
            if (write instanceof MeterStep.DeadlineWrite.Add add) {
                deadlines.add(add.deadline());
            } else if (write instanceof MeterStep.DeadlineWrite.Remove remove) {
                deadlines.remove(remove.deadline());
            } else if (write instanceof MeterStep.DeadlineWrite.Checked checked) {
                deadlines.checked(checked.upTo());
            }
        }
        if (step.clockMoved()) {
            clockStore.put(CLOCK_KEY, step.clock());
            clock = step.clock();
        }
        if (step.clockMovedByRequest()) {
            lastClockMoveWallMs = context.currentSystemTimeMs();
        }
    }

    /** Metrics and debug lines of an applied step. */
    private void record(MeterStep step) {
        if (step.duplicate()) {
            duplicates.record();
        }
        if (step.priced()) {
            pricedRequests.record();
        }
        for (int i = 0; i < step.monthsClosed(); i++) {
            monthsClosed.record();
        }
        for (MeterStep.Output output : step.outputs()) {
            if (output.value() instanceof OverageUpdate) {
                meters.overageUpdated();
            } else if (output.value() instanceof SpendAlert alert) {
                meters.alertFired(Alert.valueOf(alert.getAlert()));
                if (LOG.isDebugEnabled()) {
                    debug(alert.getAccountId(), alert.getRequestId(), "Spend alert {} for {}: usage {} USD",
                            alert.getAlert(), alert.getBillingMonth(), alert.getUsageUsd().toPlainString());
                }
            }
        }
        MeterStep.Late late = step.late();
        if (late != null) {
            lateRequests.record();
            if (LOG.isDebugEnabled()) {
                debug(late.accountId(), late.requestId(), "Late request for closed month {}: joins pending "
                        + "supplemental invoice set {}", late.billingMonth(), late.invoiceSet());
            }
        }
    }

    /**
     * A debug line about one request or account-month, with the ids in the log context (fields of the JSON log);
     * request_id is null when no request caused it (a month's close).
     */
    private static void debug(String accountId, String requestId, String message, Object... arguments) {
        MDC.put("account_id", accountId);
        if (requestId != null) {
            MDC.put("request_id", requestId);
        }
        try {
            LOG.debug(message, arguments);
        } finally {
            MDC.remove("account_id");
            MDC.remove("request_id");
        }
    }

    /** The transition's read-only view of this task's stores. */
    private final class StoreState implements MeterState {
        @Override
        public long clock() {
            return clock;
        }

        @Override
        public Long acceptedAt(String idKey) {
            return requestIds.get(idKey);
        }

        @Override
        public MonthLedger ledger(String ledgerKey) {
            return months.get(ledgerKey);
        }

        @Override
        public SpendStatus status(String accountId) {
            return statuses.get(accountId);
        }

        @Override
        public List<Deadline> due(long upTo) {
            return deadlines.due(upTo);
        }

        @Override
        public PlanTimeline plans(String accountId, long asOfMs) {
            PlanHistory history = plans.asOf(accountId, asOfMs);
            return PlanTimeline.of(history == null ? null : history.getVersions());
        }
    }
}
