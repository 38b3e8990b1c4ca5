package com.fluxrouter.billing.oracle;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Rule 12 (issue 13): an account's spend status at an instant, when a computation emits it and with which reason,
 * and the deadlines it leaves (PERIOD, EFFECT, STATUS). Holds what the pipeline's {@code spend-status} store holds,
 * the last status emitted per account, and the partition's deadlines of these kinds.
 */
final class OracleSpendStatus {
    private static final BigDecimal ZERO = BigDecimal.ZERO.setScale(9);

    /** What caused a status computation (rule 12 B and D). */
    enum Cause { REQUEST, PLAN_CHANGE, PERIOD, EFFECT, STATUS }

    /** Rule 12 D: the deadline kinds, appended after SUPPLEMENT, so handled in this order at one instant. */
    enum Kind { PERIOD, EFFECT, STATUS }

    /** A deadline on the billing clock; its subject is the account. */
    record Deadline(Instant at, Kind kind, String account) {
        Cause cause() {
            return switch (kind) {
                case PERIOD -> Cause.PERIOD;
                case EFFECT -> Cause.EFFECT;
                case STATUS -> Cause.STATUS;
            };
        }
    }

    /** The request a computation follows: its id, the month it was billed to and its cost. */
    record Trigger(String requestId, String month, BigDecimal cost) {
    }

    private static final Comparator<Deadline> ORDER = Comparator.comparing(Deadline::at)
            .thenComparing(Deadline::kind).thenComparing(Deadline::account);

    private final Duration interval;
    private final Map<String, OracleOutputs.Status> last = new HashMap<>();
    private final TreeSet<Deadline> deadlines = new TreeSet<>(ORDER);

    /** @param interval {@code flux.billing.status-interval}: how often usage-only changes are emitted at most */
    OracleSpendStatus(Duration interval) {
        this.interval = interval;
    }

    /** The deadlines due at or before {@code clock}, oldest first (handled in this order, then removed). */
    List<Deadline> dueBy(Instant clock) {
        return deadlines.stream().filter(d -> !d.at().isAfter(clock)).toList();
    }

    void remove(Deadline deadline) {
        deadlines.remove(deadline);
    }

    /** The last status emitted per account (the {@code spend-status} store). */
    Map<String, OracleOutputs.Status> latest() {
        return last;
    }

    /**
     * One status computation (rule 12 B to F): re-applies the billing terms to the open month at as_of (its
     * overage update) and its ceiling alerts against the control ceiling, then emits the status if
     * section C says so, leaving its deadlines.
     *
     * @param candidate the as_of its cause gives, before "as_of never goes backwards"
     * @param versions  the versions the computation knows (section B)
     * @param trigger   the request it follows, or null
     * @param ledgers   the account-months by "account/YYYY-MM"
     */
    void compute(String account, Cause cause, Instant candidate, OracleTimeline versions, Trigger trigger,
                 Function<String, OracleMonth> ledgers, OracleOutputs.Sink sink) {
        OracleOutputs.Status stored = last.get(account);
        Instant asOf = stored != null && stored.asOf().isAfter(candidate) ? stored.asOf() : candidate;
        YearMonth month = YearMonth.from(asOf.atZone(versions.zoneAt(asOf)));
        OracleMonth ledger = ledgers.apply(account + "/" + month);
        boolean open = ledger != null && !ledger.closed();
        String requestId = trigger == null ? null : trigger.requestId();
        BigDecimal ceiling = versions.controlAt(asOf).ceiling();
        if (open) {
            ledger.applyTerms(versions, asOf, sink);
            ledger.ceilingAlerts(ceiling, asOf, requestId, sink);
        }
        OracleOutputs.Status status = evaluate(account, asOf, versions, ledgers);
        decide(stored, status, cause, trigger, sink);
        if (cause == Cause.PLAN_CHANGE || stored == null) {
            // rule 12 D: a plan change, and an account's first status, schedule the versions ahead
            for (Instant from : versions.effectiveFroms()) {
                if (from.isAfter(asOf)) {
                    deadlines.add(new Deadline(from, Kind.EFFECT, account));
                }
            }
        }
    }

    /**
     * Rule 12 B: the status of an account at {@code asOf} from what the versions and its account-month give; no
     * side effect, reason null.
     */
    static OracleOutputs.Status evaluate(String account, Instant asOf, OracleTimeline versions,
                                         Function<String, OracleMonth> ledgers) {
        ZoneId versionZone = versions.zoneAt(asOf);
        YearMonth month = YearMonth.from(asOf.atZone(versionZone));
        OracleMonth ledger = ledgers.apply(account + "/" + month);
        // rule 5: a month keeps the zone it was opened in
        ZoneId zone = ledger == null ? versionZone : ledger.zone;
        Instant start = OracleTimeline.start(month, zone);
        Instant end = OracleTimeline.end(month, zone);
        BigDecimal usage = ledger == null ? ZERO : ledger.usage();
        BigDecimal credit = ledger == null || !ledger.closed()
                ? versions.billingTerms(month, zone, ledger == null ? null : ledger.firstUsage()).credit() : ledger.credit();
        BigDecimal ceiling = versions.controlAt(asOf).ceiling();
        boolean capped = ceiling != null && usage.compareTo(ceiling) >= 0;
        return new OracleOutputs.Status(account, month.toString(), capped ? "CAPPED" : "ACTIVE", usage, credit,
                credit.subtract(usage).max(ZERO), ceiling, ceiling == null ? null : ceiling.subtract(usage).max(ZERO),
                start, end, projection(usage, start, end, asOf), null, asOf);
    }

    /**
     * Rule 12 B, forecast: usage x (period length) / (elapsed), in nano-dollars and milliseconds, rounded half-up to
     * the nano-dollar; null while less than 20 % of the period has passed.
     */
    static BigDecimal projection(BigDecimal usage, Instant start, Instant end, Instant asOf) {
        long length = end.toEpochMilli() - start.toEpochMilli();
        long elapsed = asOf.toEpochMilli() - start.toEpochMilli();
        if (BigDecimal.valueOf(elapsed).multiply(BigDecimal.valueOf(5)).compareTo(BigDecimal.valueOf(length)) < 0) {
            return null;
        }
        return usage.multiply(BigDecimal.valueOf(length)).divide(BigDecimal.valueOf(elapsed), 9, RoundingMode.HALF_UP);
    }

    /**
     * Rule 12 C: emit (and with which reason), hold back as pending, or nothing; D: a PERIOD deadline at the
     * period_end of every status emitted. Where the month's ledger keeps another zone than the plan's (rule 5), that
     * is not when the billing month of section B ends: the text is followed (package-info, Readings).
     */
    private void decide(OracleOutputs.Status stored, OracleOutputs.Status status, Cause cause, Trigger trigger,
                        OracleOutputs.Sink sink) {
        String reason;
        if (stored == null) {
            reason = cause == Cause.PLAN_CHANGE ? "PLAN_CHANGE" : "USAGE";
        } else if (!stored.month().equals(status.month())) {
            reason = "NEW_PERIOD";
        } else if (!stored.status().equals(status.status()) || !same(stored.creditUsd(), status.creditUsd())
                || !same(stored.ceilingUsd(), status.ceilingUsd()) || !stored.periodStart().equals(status.periodStart())
                || !stored.periodEnd().equals(status.periodEnd())) {
            // the period's bounds with them: docs/operations.md, flux.billing.status-interval ("at once when its
            // status, credit, ceiling or period changes"); section C names only the first three
            // rule 12 C: PLAN_CHANGE when a plan caused it or the credit, ceiling or period differ; USAGE for the
            // status alone
            boolean termsDiffer = !same(stored.creditUsd(), status.creditUsd()) || !same(stored.ceilingUsd(), status.ceilingUsd())
                    || !stored.periodStart().equals(status.periodStart()) || !stored.periodEnd().equals(status.periodEnd());
            reason = cause == Cause.PLAN_CHANGE || cause == Cause.EFFECT || termsDiffer ? "PLAN_CHANGE" : "USAGE";
        } else if (sameFigures(stored, status)) {
            return;
        } else if (!status.asOf().isBefore(stored.asOf().plus(interval))) {
            reason = "USAGE";
        } else {
            BigDecimal before = trigger != null && trigger.month().equals(status.month())
                    ? status.usageUsd().subtract(trigger.cost()) : status.usageUsd();
            if (same(stored.usageUsd(), before)) {
                deadlines.add(new Deadline(stored.asOf().plus(interval), Kind.STATUS, status.account()));
            }
            return;
        }
        OracleOutputs.Status emitted = status.because(reason);
        last.put(status.account(), emitted);
        sink.status(emitted);
        deadlines.add(new Deadline(emitted.periodEnd(), Kind.PERIOD, status.account()));
    }

    private static boolean sameFigures(OracleOutputs.Status a, OracleOutputs.Status b) {
        return same(a.usageUsd(), b.usageUsd()) && same(a.creditRemainingUsd(), b.creditRemainingUsd())
                && same(a.remainingUsd(), b.remainingUsd()) && same(a.projectedUsd(), b.projectedUsd());
    }

    private static boolean same(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }
}
