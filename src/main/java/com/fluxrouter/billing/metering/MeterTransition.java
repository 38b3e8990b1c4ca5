package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.alerts.Alert;
import com.fluxrouter.billing.alerts.AlertRules;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.errors.RejectedException;
import com.fluxrouter.billing.intake.PricedCandidate;
import com.fluxrouter.billing.invoicing.InvoiceBuilder;
import com.fluxrouter.billing.pricing.Money;
import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.MonthLedger;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Metering as a pure transition (rules 3, 5 to 12): from the state a request, a plan change or an idle close touches
 * to the {@link MeterStep} that bills it, computed completely before anything is written or forwarded, spend
 * statuses included. It reads only through {@link MeterState} and changes nothing there, so a failure while
 * computing (a rejection, or a bug) leaves no trace: the caller simply has no step to apply. No Kafka here;
 * {@code MeterProcessor} applies the step.
 */
final class MeterTransition {
    /** The test seam; production leaves it at {@link FaultPoint#NONE}. */
    static volatile FaultPoint faultPoint = FaultPoint.NONE;

    private static final char SEPARATOR = '\u001F';
    private static final long FORGET_BUCKET_MS = 3_600_000L;
    /**
     * The order an advancing clock handles what fell due in: instant, kind, subject's UTF-8 bytes (unsigned); the
     * deadline index's key order for instants from 1970 on.
     */
    static final Comparator<Deadline> DUE_ORDER = Comparator.comparingLong(Deadline::at)
            .thenComparing(Deadline::kind)
            .thenComparing(Deadline::subject, MeterTransition::compareAsUtf8);

    private final long dedupWindowMs;
    private final long graceMs;
    private final long supplementalWindowMs;
    private final long statusIntervalMs;
    private final boolean forgetIdsByDeadline;

    /** What caused a spend-status computation (rule 12, section C: it decides the reason). */
    private enum Cause {
        /** A request was metered, or a throttled usage change fell due. */
        USAGE,
        /** A plan change reached the meter, or a scheduled version took effect (EFFECT). */
        PLAN,
        /** The account's billing period ended (PERIOD). */
        PERIOD
    }

    /**
     * @param dedupWindowMs        the deduplication window on the billing clock, ms (rule 3)
     * @param graceMs              how long after its end, ms, a month closes (rule 10)
     * @param supplementalWindowMs how long, on the billing clock, late requests gather into one pending
     *                             supplemental set after the first of them, ms (rule 11); 0 emits each at once
     * @param statusIntervalMs     the least time, ms on the billing clock, between two spend statuses of an account
     *                             that differ only in usage (rule 12); 0 emits every change
     * @param forgetIdsByDeadline  true: each accepted id gets a FORGET_ID deadline (the layout before
     *                             {@link AcceptedIdSweep}, which bench measures beside it); false: the processor's
     *                             sweep forgets ids, and only FORGET_ID deadlines already stored are handled
     */
    MeterTransition(long dedupWindowMs, long graceMs, long supplementalWindowMs, long statusIntervalMs,
                    boolean forgetIdsByDeadline) {
        this.dedupWindowMs = dedupWindowMs;
        this.graceMs = graceMs;
        this.supplementalWindowMs = supplementalWindowMs;
        this.statusIntervalMs = statusIntervalMs;
        this.forgetIdsByDeadline = forgetIdsByDeadline;
    }

    /**
     * Orders two strings as their UTF-8 encodings compare, byte by byte unsigned (what {@link DeadlineIndex}'s keys
     * sort by), without encoding them: a replay's end-of-input close sorts every remembered id. At the first
     * differing char, when neither is a surrogate, the chars before it encode alike in both strings (a high
     * surrogate just before it is unpaired in both) and UTF-8 orders non-surrogate chars as their values, so
     * that char decides; when one string ends first, its encoding sorts first. A surrogate at that char (a
     * supplementary character, whose UTF-16 order is not its code point order, or an unpaired one, which UTF-8
     * encodes as '?') goes to the encodings themselves.
     *
     * @return negative, zero or positive as {@code a}'s UTF-8 bytes sort before, equal to or after {@code b}'s
     */
    static int compareAsUtf8(String a, String b) {
        int length = Math.min(a.length(), b.length());
        for (int i = 0; i < length; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x == y) {
                continue;
            }
            if (Character.isSurrogate(x) || Character.isSurrogate(y)) {
                return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
            }
            return Character.compare(x, y);
        }
        if (a.length() == b.length()) {
            return 0;
        }
        return a.length() < b.length() ? -1 : 1;
    }

    /** Ids never hold control characters (RequestRules), so the separator cannot be forged. */
    static String ledgerKey(String accountId, String month) {
        return accountId + SEPARATOR + month;
    }

    /** Rule 3: the idempotency key of a request. */
    static String idKey(String accountId, String requestId) {
        return accountId + SEPARATOR + requestId;
    }

    /**
     * Meters one priced request: a duplicate gives an empty step marked duplicate; otherwise the clock moves to its
     * completed_at if later (closing what falls due first), and the request is added to its account-month and
     * priced, with its overage change and alerts; a request for a closed month joins that month's pending
     * supplemental set (rule 11), opening it with a SUPPLEMENT deadline when none is pending. Last, the account's
     * spend status at the billing clock (rule 12), emitted if section C says so.
     *
     * @param state     the partition's state before the request
     * @param planned   the priced request and its account's plan history
     * @param timestamp record timestamp (epoch ms) given to every output
     * @throws RejectedException TOO_LATE (rule 3) or ACCOUNT_MONTH_LIMIT (rule 7); any other exception is a bug
     */
    MeterStep meter(MeterState state, PlannedRequest planned, long timestamp) {
        MeterStep step = new MeterStep(state, timestamp);
        PricedCandidate candidate = planned.candidate();
        RoutedRequest request = candidate.request();
        long at = request.getCompletedAt().toEpochMilli();
        reach(FaultPoint.Step.DEDUPLICATE);
        if (state.clock() != Long.MIN_VALUE && at < state.clock() - dedupWindowMs) {
            throw new RejectedException(Reason.TOO_LATE, "completed_at " + request.getCompletedAt()
                    + " is more than the deduplication window behind the billing clock " + Instant.ofEpochMilli(state.clock()));
        }
        String idKey = idKey(request.getAccountId(), request.getRequestId());
        if (seen(state, idKey)) {
            return step.markDuplicate();
        }
        PlanTimeline timeline = PlanTimeline.of(planned.plans() == null ? null : planned.plans().getVersions());
        ZoneId zone = timeline.zoneAt(at);
        YearMonth month = BillingCalendar.monthOf(at, zone);
        String ledgerKey = ledgerKey(request.getAccountId(), month.toString());

        reach(FaultPoint.Step.ADVANCE_CLOCK);
        long clockBefore = step.clock();
        advanceClock(state, step, at);

        reach(FaultPoint.Step.OPEN_MONTH);
        MonthLedger ledger = step.ledger(ledgerKey);
        if (ledger == null) {
            ledger = Ledgers.open(request.getAccountId(), month.toString(), zone.getId(),
                    BillingCalendar.end(month, zone) + graceMs, timeline.termsFor(month, zone, at));
            ledger.setFirstUsageAt(at);
            if (ledger.getCloseAt() > step.clock()) {
                step.addDeadline(new Deadline(ledger.getCloseAt(), Deadline.Kind.CLOSE, ledgerKey));
            }
        }

        reach(FaultPoint.Step.REMEMBER_ID);
        remember(step, idKey);

        reach(FaultPoint.Step.ADD_USAGE);
        boolean pendingBefore = pending(ledger);
        Ledgers.checkLimits(ledger, request.getInputTokens(), request.getOutputTokens(), candidate.price());
        Ledgers.add(ledger, candidate.lane(), request.getInputTokens(), request.getOutputTokens(), candidate.price());
        Ledgers.noteUsageAt(ledger, at);
        if (!ledger.getClosed()) {
            // The month keeps the zone it was opened in, even if the plan's zone changed since.
            Ledgers.setTerms(ledger, timeline.termsFor(month, ZoneId.of(ledger.getTimeZone()), Ledgers.firstUsageAt(ledger)));
        }

        reach(FaultPoint.Step.PRICE);
        step.emit(request.getAccountId(), priced(candidate, month));
        step.markPriced(step.clock() > clockBefore);

        reach(FaultPoint.Step.OVERAGE);
        emitOverageChange(step, ledger, request.getCompletedAt());

        reach(FaultPoint.Step.ALERTS);
        // Rule 9: the credit as billed, the ceiling in force at the clock (for a past month: at its end).
        long controlAt = Math.min(step.clock(), BillingCalendar.end(month, ZoneId.of(ledger.getTimeZone())) - 1);
        long controlCeiling = timeline.termsAt(controlAt).ceilingNanos();
        emitAlerts(step, ledger, new PlanTerms(ledger.getCreditNanos(), controlCeiling), request.getCompletedAt(),
                request.getRequestId());
        emitForecastAlert(step, ledger, controlCeiling, controlAt, request.getCompletedAt(), request.getRequestId());

        if (ledger.getClosed()) {
            reach(FaultPoint.Step.INVOICE);
            step.markLate(new MeterStep.Late(request.getAccountId(), request.getRequestId(), ledger.getBillingMonth(),
                    ledger.getInvoiceSets()));
            gatherLate(step, ledger, ledgerKey, pendingBefore);
        } else if (ledger.getCloseAt() <= step.clock()) {
            close(state, step, ledger, ledgerKey);
        }
        step.putLedger(ledgerKey, ledger);
        statusAt(state, step, request.getAccountId(), step.clock(), timeline, timestamp, Cause.USAGE,
                request.getRequestId());
        return step;
    }

    /**
     * Rule 12: a plan change reaches the meter. The account's status is computed at once under the changed history,
     * at the billing clock or the change's publication if later (the publication alone while the partition has no
     * clock; a publication after the wall clock counts as the wall clock), which re-applies the billing terms to its open current month; each version taking effect after that
     * instant gets an EFFECT deadline. Moves no clock and closes nothing.
     *
     * <p>A change can reach the meter after records produced later than it (the plan-history table's changes come
     * through a repartition topic, which a re-run after {@code reset} fills while requests are already being
     * metered). When a later publication of the account is known by then (the versions published by {@code seenBy}
     * differ from those published by its {@code timestamp}), the change is superseded and does nothing: the later
     * one's change, carrying its versions too, follows it, and computes the status as of its own publication, as it
     * did in production order; the requests metered meanwhile were metered under the versions of their own record
     * timestamps (rule 6). Applied, a superseded change would bring back versions the account has left (a re-run
     * capped an upgraded account on its old ceiling, with CEILING alerts).
     *
     * @param change    the account and its whole plan history after the change
     * @param timestamp the change's record timestamp (epoch ms): when it was published; given to every output
     * @param wallClock the wall clock (epoch ms) when it is metered: a timestamp later than it counts as now
     * @param seenBy    the latest record timestamp (epoch ms) the meter's task has taken, this change's included
     *                  (Kafka Streams' stream time)
     */
    MeterStep planChange(MeterState state, PlanChange change, long timestamp, long wallClock, long seenBy) {
        MeterStep step = new MeterStep(state, timestamp);
        if (superseded(state, change.accountId(), timestamp, seenBy)) {
            return step;
        }
        PlanTimeline timeline = PlanTimeline.of(change.history().getVersions());
        // A producer's clock ahead of ours publishes nothing earlier: a record stamped in the future counts from now.
        long published = Math.min(timestamp, wallClock);
        long at = state.clock() == Long.MIN_VALUE ? published : Math.max(state.clock(), published);
        // The change carries every version received, newer than any other view of the plans.
        long asOf = statusAt(state, step, change.accountId(), at, timeline, Long.MAX_VALUE, Cause.PLAN, null);
        scheduleEffects(step, change.accountId(), timeline, asOf);
        return step;
    }

    /** Whether versions of the account other than those published by {@code timestamp} were published by {@code seenBy}. */
    private static boolean superseded(MeterState state, String accountId, long timestamp, long seenBy) {
        return seenBy > timestamp
                && !state.plans(accountId, seenBy).versions().equals(state.plans(accountId, timestamp).versions());
    }

    /** Rule 12 D: an EFFECT deadline at each version's effective_from after {@code asOf} (epoch ms). */
    private static void scheduleEffects(MeterStep step, String accountId, PlanTimeline timeline, long asOf) {
        for (AccountPlan version : timeline.versions()) {
            long from = version.getEffectiveFrom().toEpochMilli();
            if (from > asOf) {
                step.addDeadline(new Deadline(from, Deadline.Kind.EFFECT, accountId));
            }
        }
    }

    /**
     * An idle partition's clock follows the wall clock (rule 10): moves it to {@code now} if later and handles what
     * falls due, then emits every pending supplemental set (rule 11: an idle partition expects no more late
     * requests), every output stamped {@code now}.
     *
     * @param now wall-clock time, epoch ms
     */
    MeterStep advance(MeterState state, long now) {
        MeterStep step = new MeterStep(state, now);
        reach(FaultPoint.Step.ADVANCE_CLOCK);
        advanceClock(state, step, now);
        flushPending(state, step);
        return step;
    }

    /**
     * Every pending set's deadline lies at most the window past the clock (it was set at the clock of its first
     * late request plus the window), so those up to clock + window are all of them; other kinds stay as they are.
     * One already handled by this step finds nothing pending and does nothing.
     */
    private void flushPending(MeterState state, MeterStep step) {
        if (step.clock() == Long.MIN_VALUE || supplementalWindowMs == 0) {
            return;
        }
        long horizon = step.clock() > Long.MAX_VALUE - supplementalWindowMs ? Long.MAX_VALUE : step.clock() + supplementalWindowMs;
        for (Deadline deadline : state.due(horizon)) {
            if (deadline.kind() == Deadline.Kind.SUPPLEMENT) {
                onDeadline(state, step, deadline);
                step.removeDeadline(deadline);
            }
        }
    }

    /** Rule 11: a closed month has a pending set when usage was added since its last set. */
    private static boolean pending(MonthLedger ledger) {
        return ledger.getClosed() && !ledger.getLanes().equals(ledger.getInvoicedLanes());
    }

    /**
     * Rule 11: the first late request of a closed month since its last set opens a pending set, due on the billing
     * clock one window later, and always before the month's state is purged; with no window, the set is emitted
     * at once.
     */
    private void gatherLate(MeterStep step, MonthLedger ledger, String ledgerKey, boolean pendingBefore) {
        if (supplementalWindowMs == 0) {
            emitInvoiceSet(step, ledger);
            return;
        }
        if (pendingBefore) {
            return;
        }
        long due = Math.min(step.clock() > Long.MAX_VALUE - supplementalWindowMs ? Long.MAX_VALUE : step.clock() + supplementalWindowMs,
                purgeAt(ledger) - 1);
        step.addDeadline(new Deadline(due, Deadline.Kind.SUPPLEMENT, ledgerKey));
    }

    /** Rule 11: a month's state is kept until its end plus the deduplication window (and at least until it closes). */
    private long purgeAt(MonthLedger ledger) {
        YearMonth month = BillingCalendar.parseMonth(ledger.getBillingMonth());
        return Math.max(ledger.getCloseAt(), BillingCalendar.end(month, ZoneId.of(ledger.getTimeZone())) + dedupWindowMs);
    }

    private boolean seen(MeterState state, String idKey) {
        if (state.clock() == Long.MIN_VALUE) {
            return false;
        }
        Long acceptedAt = state.acceptedAt(idKey);
        return acceptedAt != null && acceptedAt >= state.clock() - dedupWindowMs;
    }

    /**
     * Moves the clock forward and handles, oldest first, what fell due, including what the handling itself adds
     * at or before the new clock (a spend status computed at a deadline may schedule one), each once.
     */
    private void advanceClock(MeterState state, MeterStep step, long to) {
        if (to <= step.clock()) {
            return;
        }
        step.moveClock(to);
        PriorityQueue<Deadline> queue = new PriorityQueue<>(DUE_ORDER);
        queue.addAll(state.due(to));
        Set<Deadline> handled = new HashSet<>();
        int writesSeen = step.deadlineWrites().size();
        while (!queue.isEmpty()) {
            Deadline deadline = queue.poll();
            if (!handled.add(deadline)) {
                continue;
            }
            // No handler schedules the deadline it handles again: each schedules later instants or other kinds.
            onDeadline(state, step, deadline);
            step.removeDeadline(deadline);
            List<MeterStep.DeadlineWrite> writes = step.deadlineWrites();
            for (; writesSeen < writes.size(); writesSeen++) {
                if (writes.get(writesSeen) instanceof MeterStep.DeadlineWrite.Add add && add.deadline().at() <= to
                        && !handled.contains(add.deadline())) {
                    queue.add(add.deadline());
                }
            }
        }
        step.checked(to);
    }

    private void onDeadline(MeterState state, MeterStep step, Deadline deadline) {
        switch (deadline.kind()) {
            case FORGET_ID -> {
                // Forgets the id only if it is no longer remembered at the deadline (rule 3): a copy accepted again
                // once its window had passed, before this deadline of the first acceptance, has one of its own.
                Long acceptedAt = state.acceptedAt(deadline.subject());
                if (acceptedAt != null && acceptedAt < deadline.at() - dedupWindowMs) {
                    step.forget(deadline.subject());
                }
            }
            case PURGE -> {
                // Never reached with a set pending (its deadline lies before the purge); kept as a guard so no
                // late usage is ever purged uninvoiced.
                MonthLedger ledger = step.ledger(deadline.subject());
                if (ledger != null && pending(ledger)) {
                    emitSupplement(step, ledger);
                }
                step.deleteLedger(deadline.subject());
            }
            case SUPPLEMENT -> {
                MonthLedger ledger = step.ledger(deadline.subject());
                if (ledger != null && pending(ledger)) {
                    emitSupplement(step, ledger);
                    step.putLedger(deadline.subject(), ledger);
                }
            }
            case CLOSE -> {
                MonthLedger ledger = step.ledger(deadline.subject());
                if (ledger != null && !ledger.getClosed()) {
                    close(state, step, ledger, deadline.subject());
                    step.putLedger(deadline.subject(), ledger);
                }
            }
            case PERIOD -> {
                PlanTimeline timeline = state.plans(deadline.subject(), step.outputTimestamp());
                statusAt(state, step, deadline.subject(), latestPeriodStart(timeline, deadline.at(), step.clock()),
                        timeline, step.outputTimestamp(), Cause.PERIOD, null);
            }
            case EFFECT -> statusAt(state, step, deadline.subject(), deadline.at(),
                    state.plans(deadline.subject(), step.outputTimestamp()), step.outputTimestamp(), Cause.PLAN, null);
            case STATUS -> statusAt(state, step, deadline.subject(), deadline.at(),
                    state.plans(deadline.subject(), step.outputTimestamp()), step.outputTimestamp(), Cause.USAGE, null);
        }
    }

    /**
     * The start of the latest billing period that has begun by {@code clock}, from the period that starts at
     * {@code from}: a clock that jumped over several month ends (a first request after a long quiet, a replay)
     * gives the account one new-period status, that of the period it is in, not one per period passed (rule 12,
     * "Deadlines", PERIOD).
     *
     * <p>The result is that of walking period by period: from a start s, the zone in force at s (plans change
     * zones), the end of s's month in that zone, until an end passes the clock. It is not walked month by month
     * (replay's end-of-input close moves the clock 12,000 months ahead): from an end that is a month start of the
     * zone in force there, the walk steps through that zone's month starts, each one reached while the one before
     * it lies before the next version's effective_from and it lies at or before the clock; so it reaches the last
     * month start at or before both, the start of the month that holds the earlier of them, and goes there at once.
     *
     * @param timeline the account's plan versions (their zones)
     * @param from     epoch ms: the start of the period the PERIOD deadline opens (the last status's period end)
     * @param clock    epoch ms: the billing clock
     * @return epoch ms: the start of the period the clock is in, walking from {@code from}; {@code from} itself when
     *         its period has not ended by the clock
     */
    static long latestPeriodStart(PlanTimeline timeline, long from, long clock) {
        long start = from;
        while (true) {
            ZoneId zone = timeline.zoneAt(start);
            long end = BillingCalendar.end(BillingCalendar.monthOf(start, zone), zone);
            if (end > clock) {
                return start;
            }
            start = end;
            if (timeline.zoneAt(start).equals(zone)) {
                long bound = Math.min(clock, timeline.nextEffectiveFromAfter(start));
                start = BillingCalendar.start(BillingCalendar.monthOf(bound, zone), zone);
            }
        }
    }

    /**
     * Rule 12: the account's spend status at {@code at} (never before its last status's as_of) under the versions
     * {@code timeline}, compared with its last emitted one and emitted if section C says so, with what it implies
     * first: the billing terms re-applied to the open month (an overage update if overage_due changed) and the CEILING
     * alerts on the control ceiling (FORECAST_CEILING is the request's step's alone). A throttled usage change schedules a STATUS deadline; an
     * emitted status a PERIOD deadline at its period's end.
     *
     * @param at        the instant asked for, epoch ms
     * @param timeline  the account's plan versions as published by {@code knownBy}
     * @param knownBy   epoch ms: when a status's as_of is later (raised to the last status's, which a plan change
     *                  published since may have set), the versions published by the as_of are read instead, so that
     *                  no status is computed with an older view of the plans than its as_of (rule 12, section B)
     * @param requestId the request that caused it, named by its alerts; null for a plan change or a deadline
     * @return the as_of the status was computed at
     */
    private long statusAt(MeterState state, MeterStep step, String accountId, long at, PlanTimeline known,
                          long knownBy, Cause cause, String requestId) {
        reach(FaultPoint.Step.STATUS);
        SpendStatus last = step.status(accountId);
        long asOf = last == null ? at : Math.max(at, last.getAsOf().toEpochMilli());
        PlanTimeline timeline = asOf > knownBy ? state.plans(accountId, asOf) : known;
        ZoneId zone = timeline.zoneAt(asOf);
        YearMonth month = BillingCalendar.monthOf(asOf, zone);
        String ledgerKey = ledgerKey(accountId, month.toString());
        MonthLedger ledger = step.ledger(ledgerKey);
        if (ledger != null) {
            // Rule 5: a month keeps the zone it was opened in.
            zone = ZoneId.of(ledger.getTimeZone());
        }
        PlanTerms control = timeline.termsAt(asOf);
        long usage = ledger == null ? 0 : Ledgers.usageNanos(ledger.getLanes());
        if (heldBack(step, last, ledger, ledgerKey, month, zone, timeline, control, usage, asOf)) {
            return asOf;
        }
        long credit = ledger == null ? timeline.termsFor(month, zone, Long.MAX_VALUE).creditNanos() : ledger.getCreditNanos();
        StatusFigures figures = StatusFigures.of(month.toString(), BillingCalendar.start(month, zone),
                BillingCalendar.end(month, zone), usage, credit, control, asOf);
        if (ledger != null && !ledger.getClosed()) {
            // Read with newer versions than the request carries, the status applies a plan change it did not know,
            // as the change's own step does when it comes after the request: its alerts name no request (rule 9).
            figures = applyToOpenMonth(step, ledger, ledgerKey, timeline, figures, asOf > knownBy ? null : requestId);
        }
        emitIfDue(step, accountId, last, figures, cause, ledgerKey);
        if (last == null) {
            // An account's first status (also its first after an upgrade from a release without statuses) schedules
            // the versions ahead it knows of, which no plan change may ever bring to the meter again.
            scheduleEffects(step, accountId, timeline, asOf);
        }
        return asOf;
    }

    /**
     * Rule 12, section C, decided before the status's figures are built: whether building them would change, emit
     * and schedule nothing. That is a usage change within the interval after the account's last status whose STATUS
     * deadline is already scheduled (the month's usage before this step already differed from the last status's),
     * on a month whose billing terms stand and whose control ceiling brings no new alert ({@link #applyToOpenMonth}
     * has nothing to do; a closed month's status does not apply them, so for it they only make the case rarer), with
     * the status, credit, ceiling and period of the last status ({@link #emitIfDue} then emits nothing and schedules
     * nothing). What it saves is the forecast (BigInteger arithmetic), the figures and the comparisons in dollars,
     * for every request of a busy account within the interval.
     *
     * @param ledger  the account-month under {@code ledgerKey}, the status's, or null when it has none
     * @param month   the status's billing month
     * @param zone    the zone of that month (the ledger's, rule 5)
     * @param control the control terms at {@code asOf}
     * @param usage   the month's usage, nano-dollars
     * @param asOf    the status's as_of, epoch ms
     */
    private boolean heldBack(MeterStep step, SpendStatus last, MonthLedger ledger, String ledgerKey, YearMonth month,
                             ZoneId zone, PlanTimeline timeline, PlanTerms control, long usage, long asOf) {
        if (last == null || ledger == null
                || asOf - last.getAsOf().toEpochMilli() >= statusIntervalMs
                || waitBegins(step, ledgerKey, last)) {
            return false;
        }
        if (!timeline.termsFor(month, zone, Ledgers.firstUsageAt(ledger)).equals(Ledgers.terms(ledger))
                || !AlertRules.newlyReached(ledger.getAlertsFired(), usage, new PlanTerms(0, control.ceilingNanos())).isEmpty()) {
            return false;
        }
        // The same period bounds are the same billing month: different months never share them.
        StatusFigures figures = new StatusFigures(month.toString(), BillingCalendar.start(month, zone),
                BillingCalendar.end(month, zone), usage, ledger.getCreditNanos(), control, null, asOf);
        return !figures.termsDifferFrom(last);
    }

    /**
     * Rule 12, section C: a usage change that has to wait is the first of its wait (and schedules the STATUS
     * deadline) when the month, before this step, still had the usage last emitted.
     */
    private static boolean waitBegins(MeterStep step, String ledgerKey, SpendStatus last) {
        MonthLedger before = step.storedLedger(ledgerKey);
        long usageBefore = before == null ? 0 : Ledgers.usageNanos(before.getLanes());
        return Money.toUsd(usageBefore).compareTo(last.getUsageUsd()) == 0;
    }

    /**
     * Rule 12 on the status's open month: its billing terms (rule 6) re-applied, with an overage update if
     * overage_due changed (as_of: the status's); CEILING alerts on the control ceiling.
     *
     * @return the figures with the month's credit as now billed
     */
    private static StatusFigures applyToOpenMonth(MeterStep step, MonthLedger ledger, String ledgerKey,
                                                  PlanTimeline timeline, StatusFigures figures, String requestId) {
        Instant asOf = Instant.ofEpochMilli(figures.asOf());
        PlanTerms billing = timeline.termsFor(BillingCalendar.parseMonth(ledger.getBillingMonth()), ZoneId.of(ledger.getTimeZone()),
                Ledgers.firstUsageAt(ledger));
        boolean changed = !billing.equals(Ledgers.terms(ledger));
        if (changed) {
            Ledgers.setTerms(ledger, billing);
            emitOverageChange(step, ledger, asOf);
        }
        changed |= emitAlerts(step, ledger, new PlanTerms(0, figures.control().ceilingNanos()), asOf, requestId);
        if (changed) {
            step.putLedger(ledgerKey, ledger);
        }
        return new StatusFigures(figures.billingMonth(), figures.periodStart(), figures.periodEnd(), figures.usageNanos(),
                ledger.getCreditNanos(), figures.control(), figures.projectedNanos(), figures.asOf());
    }

    /**
     * Rule 12, section C: emits the status if it is the account's first, of a new period, or differs in anything but
     * usage; a usage-only change waits until the interval since the last status has passed on the billing clock, the
     * first one that waits scheduling a STATUS deadline then.
     */
    private void emitIfDue(MeterStep step, String accountId, SpendStatus last, StatusFigures figures, Cause cause,
                           String ledgerKey) {
        String reason;
        if (last == null) {
            reason = cause == Cause.PLAN ? StatusFigures.PLAN_CHANGE : cause == Cause.PERIOD ? StatusFigures.NEW_PERIOD
                    : StatusFigures.USAGE;
        } else if (!last.getBillingMonth().equals(figures.billingMonth())) {
            reason = StatusFigures.NEW_PERIOD;
        } else if (figures.termsDifferFrom(last)) {
            // Usage reaching (or leaving) the ceiling changes the status alone; a credit, ceiling or period that
            // changed came from the plans, whatever drove the computation.
            reason = cause == Cause.PLAN || figures.termsOtherThanStatusDifferFrom(last) ? StatusFigures.PLAN_CHANGE
                    : StatusFigures.USAGE;
        } else if (!figures.usageDiffersFrom(last)) {
            return;
        } else if (figures.asOf() - last.getAsOf().toEpochMilli() >= statusIntervalMs) {
            reason = StatusFigures.USAGE;
        } else {
            // Pending until the interval has passed; the first change to wait schedules the deadline.
            if (waitBegins(step, ledgerKey, last)) {
                step.addDeadline(new Deadline(last.getAsOf().toEpochMilli() + statusIntervalMs, Deadline.Kind.STATUS,
                        accountId));
            }
            return;
        }
        SpendStatus status = figures.toRecord(accountId, reason);
        if (last == null || last.getPeriodEnd().toEpochMilli() != figures.periodEnd()) {
            step.addDeadline(new Deadline(figures.periodEnd(), Deadline.Kind.PERIOD, accountId));
        }
        step.putStatus(accountId, status);
        step.emit(accountId, status);
    }


    /**
     * Remembers an accepted id, with the billing clock of its acceptance (rule 3). {@link AcceptedIdSweep} forgets it
     * once the window has passed; with {@code forgetIdsByDeadline}, a FORGET_ID deadline does, strictly after the
     * window has passed on the billing clock (by then any copy of it is TOO_LATE), grouped by the hour so that the
     * index is consulted about once an hour of event time rather than on every request.
     */
    private void remember(MeterStep step, String idKey) {
        step.remember(idKey, step.clock());
        if (!forgetIdsByDeadline) {
            return;
        }
        long forgetAt = (step.clock() + dedupWindowMs) / FORGET_BUCKET_MS * FORGET_BUCKET_MS + FORGET_BUCKET_MS;
        step.addDeadline(new Deadline(forgetAt, Deadline.Kind.FORGET_ID, idKey));
    }

    /**
     * Rule 10: final terms from the plans published by the instant that closes the month (the record timestamp of
     * the request that moved the clock, or the wall clock of an idle close; rule 6, "Production order"), then the
     * original invoice set; terms freeze.
     */
    private void close(MeterState state, MeterStep step, MonthLedger ledger, String ledgerKey) {
        reach(FaultPoint.Step.CLOSE);
        ZoneId zone = ZoneId.of(ledger.getTimeZone());
        YearMonth month = BillingCalendar.parseMonth(ledger.getBillingMonth());
        Ledgers.setTerms(ledger, state.plans(ledger.getAccountId(), step.outputTimestamp())
                .termsFor(month, zone, Ledgers.firstUsageAt(ledger)));
        Instant closedAt = Instant.ofEpochMilli(ledger.getCloseAt());
        emitOverageChange(step, ledger, closedAt);
        // Rule 9: at a close only the credit alerts; the ceiling ones follow the control ceiling, which a close has not.
        emitAlerts(step, ledger, new PlanTerms(ledger.getCreditNanos(), PlanTerms.NO_CEILING), closedAt, null);
        emitInvoiceSet(step, ledger);
        ledger.setClosed(true);
        step.addDeadline(new Deadline(purgeAt(ledger), Deadline.Kind.PURGE, ledgerKey));
        step.markClosed();
    }

    /** Rule 8. */
    private static void emitOverageChange(MeterStep step, MonthLedger ledger, Instant asOf) {
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
        step.emit(monthKey(ledger), update);
    }

    /**
     * Rule 9: the usage thresholds newly reached; {@code requestId} is null when no request caused it (a close, a
     * plan change, a deadline).
     *
     * @param thresholds the credit the CREDIT alerts follow and the ceiling the CEILING alerts follow
     * @return whether any alert fired (the ledger's fired set changed)
     */
    private static boolean emitAlerts(MeterStep step, MonthLedger ledger, PlanTerms thresholds, Instant at,
                                      String requestId) {
        long usage = Ledgers.usageNanos(ledger.getLanes());
        List<AlertRules.Crossing> crossings = AlertRules.newlyReached(ledger.getAlertsFired(), usage, thresholds);
        for (AlertRules.Crossing crossing : crossings) {
            ledger.setAlertsFired(ledger.getAlertsFired() | crossing.alert().bit());
            step.emit(monthKey(ledger), SpendAlert.newBuilder()
                    .setAccountId(ledger.getAccountId())
                    .setBillingMonth(ledger.getBillingMonth())
                    .setAlert(crossing.alert().name())
                    .setUsageUsd(Money.toUsd(usage))
                    .setThresholdUsd(Money.toUsd(crossing.thresholdNanos()))
                    .setAt(at)
                    .setRequestId(requestId)
                    .build());
        }
        return !crossings.isEmpty();
    }

    /**
     * Rule 12, forecast: FORECAST_CEILING, once per account-month, in the step of the request that first brings the
     * month's projection at {@code at} to the control ceiling. Only a request's own step evaluates it, on the
     * request's account-month and under the versions it carries, so it depends on production order alone and a
     * re-run fires it alike (a status's as_of may follow a plan change's publication, section B).
     *
     * @param ceilingNanos the control ceiling at {@code at}, nano-dollars ({@link PlanTerms#NO_CEILING}: none)
     * @param at           epoch ms: the billing clock, or the month's last instant for a past month
     * @param alertAt      the alert's {@code at}: the request's completed_at, as for its other alerts
     */
    private static void emitForecastAlert(MeterStep step, MonthLedger ledger, long ceilingNanos, long at,
                                          Instant alertAt, String requestId) {
        if (ceilingNanos == PlanTerms.NO_CEILING || (ledger.getAlertsFired() & Alert.FORECAST_CEILING.bit()) != 0) {
            return;
        }
        YearMonth month = BillingCalendar.parseMonth(ledger.getBillingMonth());
        ZoneId zone = ZoneId.of(ledger.getTimeZone());
        long usage = Ledgers.usageNanos(ledger.getLanes());
        BigInteger projected = StatusFigures.projection(usage, BillingCalendar.start(month, zone),
                BillingCalendar.end(month, zone), at);
        if (projected == null || projected.compareTo(BigInteger.valueOf(ceilingNanos)) < 0) {
            return;
        }
        ledger.setAlertsFired(ledger.getAlertsFired() | Alert.FORECAST_CEILING.bit());
        step.emit(monthKey(ledger), SpendAlert.newBuilder()
                .setAccountId(ledger.getAccountId())
                .setBillingMonth(ledger.getBillingMonth())
                .setAlert(Alert.FORECAST_CEILING.name())
                .setUsageUsd(Money.toUsd(usage))
                .setThresholdUsd(Money.toUsd(ceilingNanos))
                .setAt(alertAt)
                .setRequestId(requestId)
                .build());
    }

    /** Rule 11: the pending supplemental set, emitted as one set. */
    private static void emitSupplement(MeterStep step, MonthLedger ledger) {
        reach(FaultPoint.Step.SUPPLEMENT);
        emitInvoiceSet(step, ledger);
        step.markSupplement();
    }

    /** Rules 10 and 11: the lines since the previous set. */
    private static void emitInvoiceSet(MeterStep step, MonthLedger ledger) {
        AccountMonthKey key = monthKey(ledger);
        InvoiceBuilder.lines(ledger.getAccountId(), ledger.getBillingMonth(), ledger.getLanes(),
                ledger.getInvoicedLanes(), Ledgers.terms(ledger), ledger.getInvoiceSets()).forEach(line -> step.emit(key, line));
        ledger.setInvoicedLanes(Ledgers.copy(ledger.getLanes()));
        ledger.setInvoiceSets(ledger.getInvoiceSets() + 1);
    }

    /** Rules 1, 2 and 5: the priced request record. */
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

    private static void reach(FaultPoint.Step step) {
        faultPoint.reached(step);
    }
}
