package com.fluxrouter.billing.oracle;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One account-month: its usage per lane, terms, overage, alerts and invoice sets (rules 7 to 11). */
final class OracleMonth {
    private static final BigDecimal ZERO = BigDecimal.ZERO.setScale(9);

    /** Requests, input tokens, output tokens and amount of one lane. */
    private record Usage(long requests, long input, long output, BigDecimal amount) {
        static final Usage NONE = new Usage(0, 0, 0, ZERO);

        Usage plus(long in, long out, BigDecimal cost) {
            return new Usage(requests + 1, input + in, output + out, amount.add(cost));
        }
    }

    /** Rule 7 figures of the month. */
    private record Settlement(BigDecimal usage, BigDecimal creditApplied, BigDecimal overCeiling,
                              BigDecimal overage) {
        static Settlement of(BigDecimal usage, OracleTerms terms) {
            BigDecimal creditApplied = usage.min(terms.credit());
            BigDecimal billable = terms.ceiling() == null ? usage : usage.min(terms.ceiling());
            BigDecimal overage = billable.subtract(terms.credit()).max(ZERO);
            BigDecimal overCeiling = terms.ceiling() == null ? ZERO : usage.subtract(terms.ceiling()).max(ZERO);
            return new Settlement(usage, creditApplied, overCeiling, overage);
        }
    }

    final String account;
    final String label;
    final ZoneId zone;
    final YearMonth month;
    final Instant closeAt;
    private final Map<String, Usage> lanes = new LinkedHashMap<>();
    private final Set<String> alertsFired = new HashSet<>();
    private OracleTerms terms;
    private BigDecimal lastOverage = ZERO;
    private boolean closed;
    private int nextSet;
    /** Rule 11: what the sets so far invoiced, per lane and in rule 7's figures. */
    private final Map<String, Usage> invoiced = new LinkedHashMap<>();
    private Settlement invoicedSettlement;
    /** The earliest completed_at of the month's requests (rule 6); null before the first. */
    private Instant firstUsage;
    /** Billing clock at the first late request not yet in a set; null when none is pending. */
    private Instant pendingSince;
    private final Duration supplementalWindow;
    /** Rule 11: a pending set falls due just before the month's state is purged (its end plus the dedup window). */
    private final Instant lastDue;
    /** First instant after the month in its zone. */
    final Instant end;

    OracleMonth(String account, String label, ZoneId zone, YearMonth month, Duration grace,
                Duration dedupWindow, Duration supplementalWindow) {
        this.account = account;
        this.label = label;
        this.zone = zone;
        this.month = month;
        this.end = OracleTimeline.end(month, zone);
        this.closeAt = end.plus(grace);
        Instant purgeAt = closeAt.isAfter(end.plus(dedupWindow)) ? closeAt : end.plus(dedupWindow);
        this.lastDue = purgeAt.minusMillis(1);
        this.supplementalWindow = supplementalWindow;
        OracleCatalog.LANES.forEach(lane -> lanes.put(lane, Usage.NONE));
    }

    /** The billing clock at the first late request of the pending set; null when none is pending. */
    Instant pendingSince() {
        return pendingSince;
    }

    /** When the pending set falls due on the billing clock: its window after the first, or just before the purge. */
    Instant pendingDue() {
        Instant window = pendingSince.plus(supplementalWindow);
        return window.isBefore(lastDue) ? window : lastDue;
    }

    /** The earliest completed_at of the month's requests; null before the first. */
    Instant firstUsage() {
        return firstUsage;
    }

    boolean closed() {
        return closed;
    }

    /** Rule 7: the month's usage so far. */
    BigDecimal usage() {
        return lanes.values().stream().map(Usage::amount).reduce(ZERO, BigDecimal::add);
    }

    /** The month's billing credit as it stands (set at its first request, frozen at its close). */
    BigDecimal credit() {
        return terms.credit();
    }

    /**
     * Adds one priced request; billing terms are re-read while the month is open (rule 6), frozen once it closed.
     * Credit alerts follow the billing credit; ceiling alerts and FORECAST_CEILING the control ceiling at the billing
     * clock, or at the month's last instant for a late request (rule 12 E), the forecast taken at that instant.
     *
     * @param versions the versions the request carries: those published by its record timestamp
     */
    void add(OracleOutputs.Priced priced, Instant at, Instant billingClock, OracleTimeline versions,
             OracleOutputs.Sink sink) {
        if (firstUsage == null || at.isBefore(firstUsage)) {
            firstUsage = at;
        }
        if (!closed) {
            terms = versions.billingTerms(month, zone, firstUsage);
        }
        lanes.computeIfPresent(priced.lane(),
                (lane, u) -> u.plus(priced.inputTokens(), priced.outputTokens(), priced.costUsd()));
        Settlement after = Settlement.of(usage(), terms);
        emitOverage(after, at, sink);
        Instant lastInstant = end.minusMillis(1);
        Instant controlAt = billingClock.isBefore(lastInstant) ? billingClock : lastInstant;
        BigDecimal ceiling = versions.controlAt(controlAt).ceiling();
        fireAlerts(terms.credit(), ceiling, at, priced.requestId(), sink);
        // rule 12 E: the forecast alert is the request's own, at the same instant as its ceiling alerts
        BigDecimal projected = OracleSpendStatus.projection(usage(), OracleTimeline.start(month, zone), end, controlAt);
        if (ceiling != null && projected != null && projected.compareTo(ceiling) >= 0) {
            forecastAlert(ceiling, at, priced.requestId(), sink);
        }
        if (closed && pendingSince == null) {
            pendingSince = billingClock;
        }
    }

    /**
     * Rule 12 D: a status computation re-applies the billing terms to the open month, with an overage update (as_of
     * the status's) when overage_due changes.
     */
    void applyTerms(OracleTimeline versions, Instant asOf, OracleOutputs.Sink sink) {
        terms = versions.billingTerms(month, zone, firstUsage);
        emitOverage(Settlement.of(usage(), terms), asOf, sink);
    }

    /** Rule 12 E: the ceiling alerts of a status computation, against the control ceiling at its as_of. */
    void ceilingAlerts(BigDecimal controlCeiling, Instant asOf, String requestId, OracleOutputs.Sink sink) {
        fireAlerts(null, controlCeiling, asOf, requestId, sink);
    }

    /** Rule 12 E: FORECAST_CEILING, once per account-month, when the projection first reaches the control ceiling. */
    private void forecastAlert(BigDecimal controlCeiling, Instant asOf, String requestId, OracleOutputs.Sink sink) {
        if (alertsFired.add("FORECAST_CEILING")) {
            sink.alert(new OracleOutputs.Alert(account, label, "FORECAST_CEILING", usage(), controlCeiling, asOf,
                    requestId));
        }
    }

    /** Rule 8: an update whenever overage_due changes. */
    private void emitOverage(Settlement settlement, Instant asOf, OracleOutputs.Sink sink) {
        if (settlement.overage().compareTo(lastOverage) == 0) {
            return;
        }
        sink.overage(new OracleOutputs.Overage(account, label, settlement.usage(), terms.credit(), terms.ceiling(),
                settlement.overage(), settlement.overage().subtract(lastOverage), asOf));
        lastOverage = settlement.overage();
    }

    /**
     * Rule 9: each threshold reached for the first time, lowest first, ties in the listed order; credit thresholds
     * only when {@code credit} is above zero, ceiling thresholds only when {@code ceiling} is not null.
     */
    private void fireAlerts(BigDecimal credit, BigDecimal ceiling, Instant at, String requestId,
                            OracleOutputs.Sink sink) {
        BigDecimal usage = usage();
        List<Map.Entry<String, BigDecimal>> thresholds = new ArrayList<>();
        if (credit != null && credit.signum() > 0) {
            thresholds.add(Map.entry("CREDIT_50", percent(credit, 50)));
            thresholds.add(Map.entry("CREDIT_80", percent(credit, 80)));
            thresholds.add(Map.entry("CREDIT_100", percent(credit, 100)));
        }
        if (ceiling != null) {
            thresholds.add(Map.entry("CEILING_90", percent(ceiling, 90)));
            thresholds.add(Map.entry("CEILING_100", percent(ceiling, 100)));
        }
        thresholds.sort(Map.Entry.comparingByValue(Comparator.naturalOrder())); // stable: ties keep listed order
        for (Map.Entry<String, BigDecimal> threshold : thresholds) {
            if (usage.compareTo(threshold.getValue()) >= 0 && alertsFired.add(threshold.getKey())) {
                sink.alert(new OracleOutputs.Alert(account, label, threshold.getKey(), usage, threshold.getValue(),
                        at, requestId));
            }
        }
    }

    private static BigDecimal percent(BigDecimal amount, int percent) {
        return amount.multiply(BigDecimal.valueOf(percent)).divide(BigDecimal.valueOf(100))
                .setScale(9, RoundingMode.CEILING);
    }

    /**
     * Rule 10: freeze the terms (plan changes apply at close), final overage update, the credit alerts (rule 12 E:
     * only those at a close), the original set.
     *
     * @param versions the versions published by the instant that closes the month
     */
    void close(OracleTimeline versions, OracleOutputs.Sink sink) {
        terms = versions.billingTerms(month, zone, firstUsage);
        Settlement settlement = Settlement.of(usage(), terms);
        emitOverage(settlement, closeAt, sink);
        fireAlerts(terms.credit(), null, closeAt, null, sink);
        closed = true;
        int set = nextSet++;
        long requests = 0;
        long input = 0;
        long output = 0;
        for (Map.Entry<String, Usage> lane : lanes.entrySet()) {
            Usage u = lane.getValue();
            requests += u.requests();
            input += u.input();
            output += u.output();
            if (u.requests() > 0) {
                sink.line(line("USAGE", lane.getKey(), u.requests(), u.input(), u.output(), u.amount(), null, set));
            }
        }
        adjustments(settlement.creditApplied(), settlement.overCeiling(), set, sink);
        sink.line(line("TOTAL", null, requests, input, output, settlement.overage(),
                OracleOutputs.cents(settlement.overage()), set));
        invoiced.putAll(lanes);
        invoicedSettlement = settlement;
    }

    /**
     * Rule 11: the pending set, each line the change since the previous set: USAGE for each lane that changed (lane
     * order), INCLUDED_CREDIT and CEILING_ADJUSTMENT when they changed, and the TOTAL (exact, and rounded to cents).
     */
    void emitPending(OracleOutputs.Sink sink) {
        Settlement after = Settlement.of(usage(), terms);
        int set = nextSet++;
        long requests = 0;
        long input = 0;
        long output = 0;
        for (Map.Entry<String, Usage> lane : lanes.entrySet()) {
            Usage now = lane.getValue();
            Usage before = invoiced.get(lane.getKey());
            if (now.requests() != before.requests()) {
                requests += now.requests() - before.requests();
                input += now.input() - before.input();
                output += now.output() - before.output();
                sink.line(line("USAGE", lane.getKey(), now.requests() - before.requests(), now.input() - before.input(),
                        now.output() - before.output(), now.amount().subtract(before.amount()), null, set));
            }
        }
        adjustments(after.creditApplied().subtract(invoicedSettlement.creditApplied()),
                after.overCeiling().subtract(invoicedSettlement.overCeiling()), set, sink);
        sink.line(line("TOTAL", null, requests, input, output, after.overage().subtract(invoicedSettlement.overage()),
                OracleOutputs.cents(after.overage()).subtract(OracleOutputs.cents(invoicedSettlement.overage())), set));
        invoiced.putAll(lanes);
        invoicedSettlement = after;
        pendingSince = null;
    }

    private void adjustments(BigDecimal creditApplied, BigDecimal overCeiling, int set, OracleOutputs.Sink sink) {
        if (creditApplied.signum() != 0) {
            sink.line(line("INCLUDED_CREDIT", null, 0, 0, 0, creditApplied.negate(), null, set));
        }
        if (overCeiling.signum() != 0) {
            sink.line(line("CEILING_ADJUSTMENT", null, 0, 0, 0, overCeiling.negate(), null, set));
        }
    }

    private OracleOutputs.Line line(String type, String lane, long requests, long input, long output,
                                    BigDecimal amount, BigDecimal due, int set) {
        return new OracleOutputs.Line(account, label, type, lane, requests, input, output, amount, due, set > 0, set);
    }
}
