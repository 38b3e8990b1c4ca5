package com.fluxrouter.billing.oracle;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The billing rules of {@code docs/billing-rules.md} run on one partition's inputs, in order: feed it rates,
 * models and plans, then requests and wall-clock advances; read back each request's {@link OracleOutputs.Outcome}
 * and every invoice line, overage update and spend alert the rules demand. Not thread-safe; one instance per run.
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
    private final OracleCatalog catalog = new OracleCatalog();
    private final OraclePlans plans = new OraclePlans();
    private final Map<String, Instant> acceptedIds = new HashMap<>();
    private final Map<String, OracleMonth> months = new LinkedHashMap<>();
    private final Map<String, OracleOutputs.Outcome> outcomes = new LinkedHashMap<>();
    private final List<OracleOutputs.Line> lines = new ArrayList<>();
    private final List<OracleOutputs.Overage> overage = new ArrayList<>();
    private final List<OracleOutputs.Alert> alerts = new ArrayList<>();
    private Instant wallClock;
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
        this.dedupWindow = dedupWindow;
        this.grace = grace;
        this.supplementalWindow = supplementalWindow;
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

    /** Rule 6: publishes a plan version (replacing one with the same key); false when it is INVALID_PLAN. */
    public boolean publishPlan(OracleInputs.Plan plan) {
        return plans.publish(plan);
    }

    /**
     * Rules 1 to 11 for one request read from the input topic: validates, deduplicates, prices, meters, and closes
     * every month the moved billing clock reaches.
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
        OracleOutputs.Priced priced = rate == null ? null : price(request, lane, rate);
        OracleOutputs.Outcome outcome = new OracleOutputs.Outcome(request.requestId(), request.account(),
                priced != null ? "PRICED" : lane == null ? "UNKNOWN_MODEL"
                        : OracleCatalog.LANES.contains(lane) ? "NO_RATE" : "UNKNOWN_LANE", priced);
        if (priced == null) {
            return record(outcome);
        }
        if (request.completedAt().isAfter(billingClock)) {
            billingClock = request.completedAt();
        }
        acceptedIds.put(idKey(request), billingClock);
        monthOf(priced, request).add(priced, request.completedAt(), billingClock, plans, this);
        closeReached();
        supplementsDue(false);
        return record(outcome);
    }

    /**
     * Rule 10's idle close: the wall clock moves to {@code now}; a quiet partition's billing clock follows it
     * (the caller advances it by more than {@code flux.billing.idle-close-after}), closing every month it reaches.
     */
    public void advanceWallClock(Instant now) {
        wallClock = now;
        if (now.isAfter(billingClock)) {
            billingClock = now;
        }
        closeReached();
        supplementsDue(true);
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

    private OracleOutputs.Priced price(OracleInputs.Request request, String lane, OracleInputs.Rate rate) {
        ZoneId zone = plans.zoneAt(request.account(), request.completedAt());
        String month = YearMonth.from(request.completedAt().atZone(zone)).toString();
        return new OracleOutputs.Priced(request.requestId(), request.account(), month, lane,
                request.inputTokens(), request.outputTokens(),
                OracleCatalog.cost(rate, request.inputTokens(), request.outputTokens()), rate.effectiveFrom());
    }

    /** Rule 5: a month keeps the zone it was opened in. */
    private OracleMonth monthOf(OracleOutputs.Priced priced, OracleInputs.Request request) {
        return months.computeIfAbsent(priced.account() + "/" + priced.month(), key -> {
            ZoneId zone = plans.zoneAt(request.account(), request.completedAt());
            return new OracleMonth(priced.account(), priced.month(), zone, YearMonth.parse(priced.month()), grace,
                    dedupWindow, supplementalWindow);
        });
    }

    private void closeReached() {
        for (OracleMonth month : months.values()) {
            if (!month.closed() && !billingClock.isBefore(month.closeAt)) {
                month.close(plans, this);
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
}
