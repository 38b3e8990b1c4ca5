package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.alerts.AlertRules;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.errors.RejectedException;
import com.fluxrouter.billing.intake.PricedCandidate;
import com.fluxrouter.billing.invoicing.InvoiceBuilder;
import com.fluxrouter.billing.observability.PipelineMeters;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.pricing.Money;
import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.fluxrouter.billing.schema.state.PlanHistory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;

/**
 * The billing state machine of one partition's accounts (rules 3, 5 to 11). For each priced request: drop it if
 * its request_id was accepted before, reject it if it is older than the deduplication window, otherwise add it to
 * its account-month and emit the priced request, any overage change, any alert reached and, for a month already
 * closed, a supplemental invoice set. Months close when the partition's billing clock reaches their end plus grace.
 *
 * <p>The billing clock is the latest completed_at of accepted requests, kept in a store so it survives restarts.
 * Rejected records never move it, so no bad record can close a month early. A partition whose clock no accepted
 * request has moved for {@code flux.billing.idle-close-after} lets it follow the wall clock, so quiet partitions
 * (and partitions receiving only duplicates or late requests) still close their months; a busy or lagging partition
 * closes by event time alone, which is also what replay does.
 */
final class MeterProcessor implements Processor<String, PlannedRequest, Object, SpecificRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(MeterProcessor.class);
    private static final char SEPARATOR = '\u001F';
    private static final String CLOCK_KEY = "billing-clock";
    private static final long FORGET_BUCKET_MS = 3_600_000L;

    private final BillingConfig config;
    private final long dedupWindowMs;
    private final long graceMs;
    private final long idleMs;

    private ProcessorContext<Object, SpecificRecord> context;
    /** Accepted id (account + request_id) to the billing clock when it was accepted. */
    private KeyValueStore<String, Long> requestIds;
    private KeyValueStore<String, MonthLedger> months;
    private KeyValueStore<String, Long> clockStore;
    private TimestampedKeyValueStore<String, PlanHistory> plans;
    private DeadlineIndex deadlines;
    private Sensor pricedRequests;
    private Sensor duplicates;
    private Sensor lateRequests;
    private Sensor monthsClosed;
    /** The pipeline instance's counters of alerts and overage updates (attempts: see PipelineMeters). */
    private PipelineMeters meters;

    private long clock;
    /** Wall-clock time at which an accepted request last moved the clock: the partition is busy until idle. */
    private long lastClockMoveWallMs;
    /** Timestamp given to output records: the input record's, or the wall clock in a punctuation. */
    private long outputTimestamp;

    MeterProcessor(BillingConfig config) {
        this.config = config;
        this.dedupWindowMs = config.dedupWindow().toMillis();
        this.graceMs = config.grace().toMillis();
        this.idleMs = config.idleCloseAfter().toMillis();
    }

    @Override
    public void init(ProcessorContext<Object, SpecificRecord> context) {
        this.context = context;
        this.requestIds = context.getStateStore(MeteringFlow.REQUEST_IDS_STORE);
        this.months = context.getStateStore(MeteringFlow.MONTHS_STORE);
        this.clockStore = context.getStateStore(MeteringFlow.CLOCK_STORE);
        this.plans = context.getStateStore(PlanFlow.STORE);
        this.deadlines = new DeadlineIndex(context.getStateStore(MeteringFlow.DEADLINES_STORE));
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

    @Override
    public void process(Record<String, PlannedRequest> record) {
        outputTimestamp = record.timestamp();
        PricedCandidate candidate = record.value().candidate();
        RoutedRequest request = candidate.request();
        long at = request.getCompletedAt().toEpochMilli();
        if (clock != Long.MIN_VALUE && at < clock - dedupWindowMs) {
            throw new RejectedException(Reason.TOO_LATE, "completed_at " + request.getCompletedAt()
                    + " is more than the deduplication window behind the billing clock " + Instant.ofEpochMilli(clock));
        }
        String idKey = request.getAccountId() + SEPARATOR + request.getRequestId();
        if (seen(idKey)) {
            duplicates.record();
            return;
        }
        PlanTimeline timeline = PlanTimeline.of(record.value().plans() == null ? null : record.value().plans().getVersions());
        ZoneId zone = timeline.zoneAt(at);
        YearMonth month = BillingCalendar.monthOf(at, zone);
        String ledgerKey = ledgerKey(request.getAccountId(), month.toString());
        MonthLedger ledger = months.get(ledgerKey);
        // What can fail (overflowing sums) is checked before the first state write, so a rejected request leaves
        // no id, clock or index entry behind and is priced once fixed and sent again.
        Ledgers.checkAdd(ledger, candidate.lane(), request.getInputTokens(), request.getOutputTokens(), candidate.price());

        long clockBefore = clock;
        if (advanceClock(at)) {
            ledger = months.get(ledgerKey); // a deadline may have closed it
        }
        if (clock > clockBefore) {
            lastClockMoveWallMs = context.currentSystemTimeMs();
        }
        if (ledger == null) {
            ledger = Ledgers.open(request.getAccountId(), month.toString(), zone.getId(),
                    BillingCalendar.end(month, zone) + graceMs, timeline.termsFor(month, zone));
            if (ledger.getCloseAt() > clock) {
                deadlines.add(ledger.getCloseAt(), DeadlineIndex.Kind.CLOSE, ledgerKey);
            }
        }
        remember(idKey);
        Ledgers.add(ledger, candidate.lane(), request.getInputTokens(), request.getOutputTokens(), candidate.price());
        if (!ledger.getClosed()) {
            // The month keeps the zone it was opened in, even if the plan's zone changed since.
            Ledgers.setTerms(ledger, timeline.termsFor(month, ZoneId.of(ledger.getTimeZone())));
        }
        forward(request.getAccountId(), priced(candidate, month));
        pricedRequests.record();
        emitOverageChange(ledger, request.getCompletedAt());
        emitAlerts(ledger, request.getCompletedAt(), request.getRequestId());
        if (ledger.getClosed()) {
            lateRequests.record();
            if (LOG.isDebugEnabled()) {
                debug(request.getAccountId(), request.getRequestId(), "Late request for closed month {}: supplemental "
                        + "invoice set {}", ledger.getBillingMonth(), ledger.getInvoiceSets());
            }
            emitInvoiceSet(ledger);
        } else if (ledger.getCloseAt() <= clock) {
            close(ledger, ledgerKey);
        }
        months.put(ledgerKey, ledger);
    }

    /** Ids never hold control characters (RequestRules), so the separator cannot be forged. */
    static String ledgerKey(String accountId, String month) {
        return accountId + SEPARATOR + month;
    }

    private boolean seen(String idKey) {
        if (clock == Long.MIN_VALUE) {
            return false;
        }
        Long acceptedAt = requestIds.get(idKey);
        return acceptedAt != null && acceptedAt >= clock - dedupWindowMs;
    }

    private void onWallClock(long now) {
        if (now - lastClockMoveWallMs < idleMs) {
            return;
        }
        outputTimestamp = now;
        advanceClock(now);
    }

    /** Moves the clock forward and handles what fell due; true if anything did. */
    private boolean advanceClock(long to) {
        if (to <= clock) {
            return false;
        }
        clock = to;
        clockStore.put(CLOCK_KEY, clock);
        List<DeadlineIndex.Entry> due = deadlines.due(clock);
        for (DeadlineIndex.Entry entry : due) {
            onDeadline(entry);
            deadlines.remove(entry);
        }
        deadlines.checked(clock);
        return !due.isEmpty();
    }

    private void onDeadline(DeadlineIndex.Entry entry) {
        switch (entry.kind()) {
            case FORGET_ID -> requestIds.delete(entry.subject());
            case PURGE -> months.delete(entry.subject());
            case CLOSE -> {
                MonthLedger ledger = months.get(entry.subject());
                if (ledger != null && !ledger.getClosed()) {
                    close(ledger, entry.subject());
                    months.put(entry.subject(), ledger);
                }
            }
        }
    }

    /**
     * Remembers an accepted id until strictly after the window has passed on the billing clock; by then any copy
     * of it is TOO_LATE. Expiries are grouped by the hour, so the index is consulted about once an hour of event
     * time rather than on every request.
     */
    private void remember(String idKey) {
        requestIds.put(idKey, clock);
        long forgetAt = (clock + dedupWindowMs) / FORGET_BUCKET_MS * FORGET_BUCKET_MS + FORGET_BUCKET_MS;
        deadlines.add(forgetAt, DeadlineIndex.Kind.FORGET_ID, idKey);
    }

    /** Rule 10: final terms from the plan history as it is now, then the original invoice set; terms freeze. */
    private void close(MonthLedger ledger, String ledgerKey) {
        ZoneId zone = ZoneId.of(ledger.getTimeZone());
        YearMonth month = YearMonth.parse(ledger.getBillingMonth());
        ValueAndTimestamp<PlanHistory> history = plans.get(ledger.getAccountId());
        PlanTimeline timeline = PlanTimeline.of(history == null ? null : history.value().getVersions());
        Ledgers.setTerms(ledger, timeline.termsFor(month, zone));
        Instant closedAt = Instant.ofEpochMilli(ledger.getCloseAt());
        emitOverageChange(ledger, closedAt);
        emitAlerts(ledger, closedAt, null);
        emitInvoiceSet(ledger);
        ledger.setClosed(true);
        long purgeAt = Math.max(ledger.getCloseAt(), BillingCalendar.end(month, zone) + dedupWindowMs);
        deadlines.add(purgeAt, DeadlineIndex.Kind.PURGE, ledgerKey);
        monthsClosed.record();
    }

    private void emitOverageChange(MonthLedger ledger, Instant asOf) {
        Settlement settlement = Ledgers.settlement(ledger);
        long due = settlement.overageDue();
        if (due == ledger.getOverageNanos()) {
            return;
        }
        OverageUpdate update = OverageUpdate.newBuilder()
                .setAccountId(ledger.getAccountId())
                .setBillingMonth(ledger.getBillingMonth())
                .setUsageUsd(Money.toUsd(settlement.usageNanos()))
                .setIncludedCreditUsd(Money.toUsd(ledger.getCreditNanos()))
                .setSpendCeilingUsd(ledger.getCeilingNanos() == null ? null : Money.toUsd(ledger.getCeilingNanos()))
                .setOverageUsd(Money.toUsd(due))
                .setOverageDeltaUsd(Money.toUsd(due - ledger.getOverageNanos()))
                .setAsOf(asOf)
                .build();
        ledger.setOverageNanos(due);
        forward(monthKey(ledger), update);
        meters.overageUpdated();
    }

    private void emitAlerts(MonthLedger ledger, Instant at, String requestId) {
        long usage = Ledgers.usageNanos(ledger.getLanes());
        for (AlertRules.Crossing crossing : AlertRules.newlyReached(ledger.getAlertsFired(), usage, Ledgers.terms(ledger))) {
            ledger.setAlertsFired(ledger.getAlertsFired() | crossing.alert().bit());
            forward(monthKey(ledger), SpendAlert.newBuilder()
                    .setAccountId(ledger.getAccountId())
                    .setBillingMonth(ledger.getBillingMonth())
                    .setAlert(crossing.alert().name())
                    .setUsageUsd(Money.toUsd(usage))
                    .setThresholdUsd(Money.toUsd(crossing.thresholdNanos()))
                    .setAt(at)
                    .setRequestId(requestId)
                    .build());
            meters.alertFired(crossing.alert());
            if (LOG.isDebugEnabled()) {
                debug(ledger.getAccountId(), requestId, "Spend alert {} for {}: usage {} USD", crossing.alert(),
                        ledger.getBillingMonth(), Money.toUsd(usage).toPlainString());
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

    private void emitInvoiceSet(MonthLedger ledger) {
        List<InvoiceLine> lines = InvoiceBuilder.lines(ledger.getAccountId(), ledger.getBillingMonth(),
                ledger.getLanes(), ledger.getInvoicedLanes(), Ledgers.terms(ledger), ledger.getInvoiceSets());
        AccountMonthKey key = monthKey(ledger);
        lines.forEach(line -> forward(key, line));
        ledger.setInvoicedLanes(Ledgers.copy(ledger.getLanes()));
        ledger.setInvoiceSets(ledger.getInvoiceSets() + 1);
    }

    private static PricedRequest priced(PricedCandidate candidate, YearMonth month) {
        RoutedRequest request = candidate.request();
        var cost = Money.toUsd(candidate.price().totalNanos());
        return PricedRequest.newBuilder()
                .setRequestId(request.getRequestId())
                .setAccountId(request.getAccountId())
                .setRequestedModel(request.getRequestedModel())
                .setServedModel(request.getServedModel())
                .setLane(candidate.lane().name())
                .setLaneSource(candidate.laneFromCatalog() ? "CATALOG" : "ROUTER")
                .setClaimedLane(request.getLane())
                .setInputTokens(request.getInputTokens())
                .setOutputTokens(request.getOutputTokens())
                .setCompletedAt(request.getCompletedAt())
                .setQuotedCostUsd(request.getQuotedCostUsd())
                .setBillingMonth(month.toString())
                .setInputCostUsd(Money.toUsd(candidate.price().inputNanos()))
                .setOutputCostUsd(Money.toUsd(candidate.price().outputNanos()))
                .setCostUsd(cost)
                .setRateEffectiveFrom(Instant.ofEpochMilli(candidate.rate().effectiveFrom()))
                .setQuoteMismatch(request.getQuotedCostUsd() != null && request.getQuotedCostUsd().compareTo(cost) != 0)
                .build();
    }

    private static AccountMonthKey monthKey(MonthLedger ledger) {
        return new AccountMonthKey(ledger.getAccountId(), ledger.getBillingMonth());
    }

    private void forward(Object key, SpecificRecord value) {
        context.forward(new Record<>(key, value, outputTimestamp));
    }
}
