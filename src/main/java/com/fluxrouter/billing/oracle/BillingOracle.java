package com.fluxrouter.billing.oracle;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The billing rules of {@code docs/billing-rules.md} run on one partition's inputs, in order: feed it rates,
 * models, plan versions (each with the instant it was published), requests and wall-clock advances; read back each
 * request's {@link OracleOutputs.Outcome} and every invoice line, overage update, spend alert and spend status
 * (rule 12) the rules demand. Not thread-safe; one instance per run.
 */
public final class BillingOracle implements OracleOutputs.Sink {
    /** Rule 4: the earliest valid {@code completed_at}. */
    public static final Instant EARLIEST_VALID = Instant.parse("2020-01-01T00:00:00Z");
    private static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
    private static final long MAX_TOKENS = 10_000_000L;
    private static final int MAX_ID_CODE_POINTS = 256;

    private final Duration dedupWindow;
    private final Duration grace;
    private final Duration supplementalWindow;
    private Duration idleCloseAfter = Duration.ZERO;
    private boolean computesStatuses = true;
    private OracleSpendStatus spendStatus = new OracleSpendStatus(Duration.ofSeconds(10));
    private final OracleCatalog catalog = new OracleCatalog();
    private final OraclePlans plans = new OraclePlans();
    private final Map<String, Instant> acceptedIds = new HashMap<>();
    private final Map<String, OracleMonth> months = new LinkedHashMap<>();
    private final Map<String, OracleOutputs.Outcome> outcomes = new LinkedHashMap<>();
    private final List<OracleOutputs.Line> lines = new ArrayList<>();
    private final List<OracleOutputs.Overage> overage = new ArrayList<>();
    private final List<OracleOutputs.Alert> alerts = new ArrayList<>();
    private final List<OracleOutputs.Status> statuses = new ArrayList<>();
    private Instant wallClock;
    /** Rule 10: the wall clock when an accepted request last moved the billing clock. */
    private Instant lastClockMove;
    private Instant billingClock = Instant.MIN;

    /**
     * @param wallClock   the pipeline's wall clock at start (rule 4's "future" is judged against it)
     * @param dedupWindow rule 3's window (default 35 days)
     * @param grace       rule 10's grace period (default 24 h)
     */
    public BillingOracle(Instant wallClock, Duration dedupWindow, Duration grace) {
        this(wallClock, dedupWindow, grace, Duration.ofHours(1));
    }

    /**
     * @param wallClock          the pipeline's wall clock at start (rule 4's "future" is judged against it)
     * @param dedupWindow        rule 3's window (default 35 days)
     * @param grace              rule 10's grace period (default 24 h)
     * @param supplementalWindow rule 11's window in which late requests gather into one set (default 1 h)
     */
    public BillingOracle(Instant wallClock, Duration dedupWindow, Duration grace, Duration supplementalWindow) {
        this.wallClock = wallClock;
        this.lastClockMove = wallClock;
        this.dedupWindow = dedupWindow;
        this.grace = grace;
        this.supplementalWindow = supplementalWindow;
    }

    /**
     * Rule 10's {@code flux.billing.idle-close-after}: a wall-clock advance lets the billing clock follow only once no
     * accepted request has moved it for this long (default zero here: every advance does).
     */
    public BillingOracle withIdleCloseAfter(Duration idle) {
        this.idleCloseAfter = idle;
        return this;
    }

    /**
     * Rules 1 to 11 alone: no rule 12 status computations (no statuses, none of their deadlines, and none of the
     * overage updates and alerts they emit), for callers that check invoices only and close every month at the end
     * of time, where month after month of new periods would never end. {@link #statusAt} still answers.
     */
    public BillingOracle moneyOnly() {
        this.computesStatuses = false;
        return this;
    }

    /** Rule 12's {@code flux.billing.status-interval} (default PT10S); set before any input. */
    public BillingOracle withStatusInterval(Duration interval) {
        this.spendStatus = new OracleSpendStatus(interval);
        return this;
    }

    /** With the default windows (35 days, 1 h) and grace (24 h). */
    public static BillingOracle withDefaults(Instant wallClock) {
        return new BillingOracle(wallClock, Duration.ofDays(35), Duration.ofHours(24));
    }

    /**
     * Rule 1's seed: the published price list's rates, Express Lane $1, Daily Driver $2, Deep Thought $4 per 1M
     * tokens, input and output alike, in force from 2020-01-01 (the catalog's models are inputs, publish them).
     */
    public BillingOracle withPublishedRates() {
        String[][] published = {{"EXPRESS", "1"}, {"DAILY_DRIVER", "2"}, {"DEEP_THOUGHT", "4"}};
        for (String[] rate : published) {
            BigDecimal usd = new BigDecimal(rate[1]);
            publishRate(new OracleInputs.Rate(rate[0], usd, usd, EARLIEST_VALID));
        }
        return this;
    }

    /** Rule 1: publishes a catalog entry; false when it is INVALID_MODEL. */
    public boolean publishModel(String modelId, String lane) {
        return catalog.publishModel(modelId, lane);
    }

    /** Rule 2: publishes a rate version; false when it is INVALID_RATE. */
    public boolean publishRate(OracleInputs.Rate rate) {
        return catalog.publishRate(rate);
    }

    /**
     * Rule 6: publishes a plan version (replacing one with the same key) at {@code publishedAt}, its record
     * timestamp; requests produced and months closed from then on see it. Rule 12 B: the plan change reaches the
     * meter, which computes the account's status at max(billing clock, publishedAt or the wall clock if earlier) with
     * the account's history as
     * received, and schedules an EFFECT deadline for each version taking effect after that.
     *
     * @return false when it is INVALID_PLAN (nothing happens)
     */
    public boolean publishPlan(OracleInputs.Plan plan, Instant publishedAt) {
        if (!plans.publish(plan, publishedAt)) {
            return false;
        }
        if (!computesStatuses) {
            return true;
        }
        // a record stamped after the wall clock counts from the wall clock
        Instant published = publishedAt.isAfter(wallClock) ? wallClock : publishedAt;
        Instant asOf = billingClock == Instant.MIN || published.isAfter(billingClock) ? published : billingClock;
        spendStatus.compute(plan.account(), OracleSpendStatus.Cause.PLAN_CHANGE, asOf, plans.history(plan.account()),
                null, months::get, this);
        return true;
    }

    /**
     * Rules 1 to 12 for one request read from the input topic: validates, deduplicates, prices; a clock it moves
     * first handles, oldest first, what falls due (closes, supplemental sets, status deadlines); then meters it, and
     * computes its account's status.
     *
     * @return the outcome: verdict {@code PRICED}, {@code DUPLICATE} or the rule 4 rejection reason
     */
    public OracleOutputs.Outcome accept(OracleInputs.Request request) {
        String verdict = validate(request);
        if (verdict != null) {
            return record(new OracleOutputs.Outcome(request.requestId(), request.account(), verdict, null));
        }
        String lane = catalog.laneOf(request.servedModel(), request.claimedLane());
        OracleInputs.Rate rate = lane == null ? null : catalog.rateAt(lane, request.completedAt());
        OracleTimeline versions = plans.asOf(request.account(), request.recordTime());
        OracleOutputs.Priced priced = rate == null ? null : price(request, lane, rate, versions);
        OracleOutputs.Outcome outcome = new OracleOutputs.Outcome(request.requestId(), request.account(),
                priced != null ? "PRICED" : lane == null ? "UNKNOWN_MODEL"
                        : OracleCatalog.LANES.contains(lane) ? "NO_RATE" : "UNKNOWN_LANE", priced);
        if (priced == null) {
            return record(outcome);
        }
        if (request.completedAt().isAfter(billingClock)) {
            billingClock = request.completedAt();
            lastClockMove = wallClock;
            fallDue(request.recordTime());
        }
        acceptedIds.put(idKey(request), billingClock);
        OracleMonth month = monthOf(priced, versions, request.completedAt());
        month.add(priced, request.completedAt(), billingClock, versions, this);
        closeReached(request.recordTime());
        supplementsDue(false);
        if (!computesStatuses) {
            return record(outcome);
        }
        spendStatus.compute(request.account(), OracleSpendStatus.Cause.REQUEST, billingClock, versions,
                new OracleSpendStatus.Trigger(request.requestId(), priced.month(), priced.costUsd()), months::get, this);
        return record(outcome);
    }

    /**
     * Rule 10's idle close: the wall clock moves to {@code now}; once no accepted request has moved the billing clock
     * for {@code flux.billing.idle-close-after} of wall-clock time the partition is quiet: its billing clock follows
     * the wall clock, handling what falls due, and every pending supplemental set is emitted (rule 11).
     */
    public void advanceWallClock(Instant now) {
        wallClock = now;
        if (!quietAt(now)) {
            return;
        }
        if (now.isAfter(billingClock)) {
            billingClock = now;
            fallDue(now);
        }
        closeReached(now);
        supplementsDue(true);
    }

    /** Whether a wall-clock advance to {@code now} finds the partition quiet (rule 10). */
    public boolean quietAt(Instant now) {
        return Duration.between(lastClockMove, now).compareTo(idleCloseAfter) >= 0;
    }

    /** Something that falls due on the billing clock, with its place in the order they are handled. */
    private record Due(Instant at, int kind, String subject, Runnable handle) {
    }

    /**
     * What the billing clock reached, oldest first (at one instant: CLOSE, SUPPLEMENT, then rule 12's PERIOD,
     * EFFECT, STATUS), each handled with the versions published by {@code stepTime}, the instant driving the step.
     * Reading: a deadline that handling adds and the clock has already reached is handled in the same step, in its
     * place in time, as if the clock had moved in small steps; so a jump of the clock (a quiet partition catching up,
     * a replay) gives the statuses that live traffic would have given.
     */
    private void fallDue(Instant stepTime) {
        for (Due next = nextDue(stepTime); next != null; next = nextDue(stepTime)) {
            next.handle().run();
        }
    }

    /** The earliest of what the billing clock has reached and is not handled yet; null when nothing is. */
    private Due nextDue(Instant stepTime) {
        List<Due> due = new ArrayList<>();
        months.forEach((key, month) -> {
            if (!month.closed() && !billingClock.isBefore(month.closeAt)) {
                due.add(new Due(month.closeAt, 0, key,
                        () -> month.close(plans.asOf(month.account, stepTime), this)));
            } else if (month.pendingSince() != null && !billingClock.isBefore(month.pendingDue())) {
                due.add(new Due(month.pendingDue(), 3, key, () -> month.emitPending(this)));
            }
        });
        for (OracleSpendStatus.Deadline deadline : spendStatus.dueBy(billingClock)) {
            due.add(new Due(deadline.at(), 4 + deadline.kind().ordinal(), deadline.account(), () -> {
                spendStatus.remove(deadline);
                spendStatus.compute(deadline.account(), deadline.cause(), deadline.at(),
                        plans.asOf(deadline.account(), stepTime), null, months::get, this);
            }));
        }
        return due.stream().min(Comparator.comparing(Due::at).thenComparingInt(Due::kind).thenComparing(Due::subject))
                .orElse(null);
    }

    private String validate(OracleInputs.Request request) {
        if (isEmpty(request.requestId()) || isEmpty(request.account())) {
            return "MISSING_ID";
        }
        if (!validId(request.requestId()) || !validId(request.account())) {
            return "INVALID_ID";
        }
        if (!validTokens(request.inputTokens()) || !validTokens(request.outputTokens())) {
            return "INVALID_TOKENS";
        }
        Instant judge = request.recordTime().isBefore(wallClock) ? request.recordTime() : wallClock;
        if (request.completedAt().isAfter(judge.plus(FUTURE_TOLERANCE))) {
            return "FUTURE_TIMESTAMP";
        }
        if (request.completedAt().isBefore(EARLIEST_VALID)) {
            return "INVALID_TIMESTAMP";
        }
        if (billingClock != Instant.MIN && request.completedAt().isBefore(billingClock.minus(dedupWindow))) {
            return "TOO_LATE";
        }
        Instant acceptedAt = acceptedIds.get(idKey(request));
        // remembered for the window on the billing clock, its end included: a request exactly the window behind
        // the clock is not TOO_LATE (not *more* than the window), so its id must still be known (rule 3's Reading)
        if (acceptedAt != null && !billingClock.isAfter(acceptedAt.plus(dedupWindow))) {
            return "DUPLICATE";
        }
        return null;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    private static boolean validId(String id) {
        return id.codePointCount(0, id.length()) <= MAX_ID_CODE_POINTS
                && id.codePoints().noneMatch(Character::isISOControl);
    }

    private static boolean validTokens(long tokens) {
        return tokens >= 0 && tokens <= MAX_TOKENS;
    }

    private static String idKey(OracleInputs.Request request) {
        return request.account() + "\u0000" + request.requestId();
    }

    private OracleOutputs.Priced price(OracleInputs.Request request, String lane, OracleInputs.Rate rate,
                                       OracleTimeline versions) {
        ZoneId zone = versions.zoneAt(request.completedAt());
        String month = YearMonth.from(request.completedAt().atZone(zone)).toString();
        return new OracleOutputs.Priced(request.requestId(), request.account(), month, lane,
                request.inputTokens(), request.outputTokens(),
                OracleCatalog.cost(rate, request.inputTokens(), request.outputTokens()), rate.effectiveFrom());
    }

    /** Rule 5: a month keeps the zone it was opened in. */
    private OracleMonth monthOf(OracleOutputs.Priced priced, OracleTimeline versions, Instant completedAt) {
        return months.computeIfAbsent(priced.account() + "/" + priced.month(), key -> {
            ZoneId zone = versions.zoneAt(completedAt);
            return new OracleMonth(priced.account(), priced.month(), zone, YearMonth.parse(priced.month()), grace,
                    dedupWindow, supplementalWindow);
        });
    }

    /** Rule 10: closes every month the clock reached, under the versions published by {@code stepTime}. */
    private void closeReached(Instant stepTime) {
        for (OracleMonth month : months.values()) {
            if (!month.closed() && !billingClock.isBefore(month.closeAt)) {
                month.close(plans.asOf(month.account, stepTime), this);
            }
        }
    }

    /**
     * Rule 11: each pending supplemental set whose window the billing clock has reached (or that falls due before
     * its month is purged) is emitted; when the partition goes quiet, every pending set is.
     */
    private void supplementsDue(boolean quiet) {
        for (OracleMonth month : months.values()) {
            if (month.pendingSince() != null && (quiet || !billingClock.isBefore(month.pendingDue()))) {
                month.emitPending(this);
            }
        }
    }

    private OracleOutputs.Outcome record(OracleOutputs.Outcome outcome) {
        if (!"DUPLICATE".equals(outcome.verdict())) {
            outcomes.put(outcome.account() + "/" + outcome.requestId(), outcome);
        }
        return outcome;
    }

    /** The outcome of every request that was not a duplicate, by account and request id, in input order. */
    public Map<String, OracleOutputs.Outcome> outcomes() {
        return outcomes;
    }

    /** Every invoice line, in emission order. */
    public List<OracleOutputs.Line> lines() {
        return lines;
    }

    /** Every overage update, in emission order. */
    public List<OracleOutputs.Overage> overageUpdates() {
        return overage;
    }

    /** Every spend alert, in emission order. */
    public List<OracleOutputs.Alert> alerts() {
        return alerts;
    }

    /** Every spend status emitted (rule 12), in emission order. */
    public List<OracleOutputs.Status> statuses() {
        return statuses;
    }

    /** The last status emitted per account: what {@code flux.accounts.spend-status} compacts to. */
    public Map<String, OracleOutputs.Status> latestStatuses() {
        return Map.copyOf(spendStatus.latest());
    }

    /**
     * Rule 12 B on demand: the account's status at {@code asOf} from its account-month as it stands and every
     * version published so far; nothing is emitted, and the reason is null.
     */
    public OracleOutputs.Status statusAt(String account, Instant asOf) {
        return OracleSpendStatus.evaluate(account, asOf, plans.history(account), months::get);
    }

    /** The billing clock: the latest accepted completed_at, or the wall clock once it followed it. */
    public Instant billingClock() {
        return billingClock;
    }

    /** Sums a list of amounts; a helper for callers that compare totals. */
    public static BigDecimal sum(List<BigDecimal> amounts) {
        return amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Override
    public void line(OracleOutputs.Line line) {
        lines.add(line);
    }

    @Override
    public void overage(OracleOutputs.Overage update) {
        overage.add(update);
    }

    @Override
    public void alert(OracleOutputs.Alert alert) {
        alerts.add(alert);
    }

    @Override
    public void status(OracleOutputs.Status status) {
        statuses.add(status);
    }
}
