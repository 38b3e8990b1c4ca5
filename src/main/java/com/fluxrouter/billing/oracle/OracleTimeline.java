package com.fluxrouter.billing.oracle;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;

/**
 * One account's plan versions as some instant knew them, by effective_from (rules 5, 6 and 12): a version is in force
 * from its effective_from until the next version's.
 */
final class OracleTimeline {
    private final NavigableMap<Instant, OracleInputs.Plan> versions;

    OracleTimeline(NavigableMap<Instant, OracleInputs.Plan> versions) {
        this.versions = versions;
    }

    /** First instant of the month in the zone. */
    static Instant start(YearMonth month, ZoneId zone) {
        return month.atDay(1).atStartOfDay(zone).toInstant();
    }

    /** First instant after the month in the zone. */
    static Instant end(YearMonth month, ZoneId zone) {
        return start(month.plusMonths(1), zone);
    }

    /** Rule 5: the zone of the version in force at {@code at}; UTC before the first version or when it has none. */
    ZoneId zoneAt(Instant at) {
        Map.Entry<Instant, OracleInputs.Plan> entry = versions.floorEntry(at);
        if (entry == null || entry.getValue().zone() == null) {
            return ZoneOffset.UTC;
        }
        return ZoneId.of(entry.getValue().zone());
    }

    /** Rule 12 A, control terms: those of the version in force at {@code at}; pay as you go when none is. */
    OracleTerms controlAt(Instant at) {
        Map.Entry<Instant, OracleInputs.Plan> entry = versions.floorEntry(at);
        return entry == null ? OracleTerms.PAY_AS_YOU_GO : OracleTerms.of(entry.getValue());
    }

    /**
     * Rule 6 with rule 12's correction, billing terms: the largest credit and ceiling (none is the largest) of every
     * version in force at any instant of the month; when the first version starts inside the month and usage was
     * served before it, that usage was served pay as you go, so the month has no ceiling (a sign-up with no usage
     * before its first version is billed under that version).
     *
     * @param firstUsage the month's earliest completed_at; null when it has served nothing
     */
    OracleTerms billingTerms(YearMonth month, ZoneId zone, Instant firstUsage) {
        Instant start = start(month, zone);
        Instant end = end(month, zone);
        Map.Entry<Instant, OracleInputs.Plan> atStart = versions.floorEntry(start);
        Instant from = atStart == null ? start : atStart.getKey();
        Map<Instant, OracleInputs.Plan> inForce = versions.subMap(from, true, end, false);
        if (inForce.isEmpty()) {
            return OracleTerms.PAY_AS_YOU_GO;
        }
        BigDecimal credit = BigDecimal.ZERO.setScale(9);
        BigDecimal ceiling = BigDecimal.ZERO.setScale(9);
        // the correction: usage served before the first version was served pay as you go
        boolean noCeiling = atStart == null && firstUsage != null && firstUsage.isBefore(inForce.keySet().iterator().next());
        for (OracleInputs.Plan plan : inForce.values()) {
            OracleTerms terms = OracleTerms.of(plan);
            credit = credit.max(terms.credit());
            if (terms.ceiling() == null) {
                noCeiling = true;
            } else {
                ceiling = ceiling.max(terms.ceiling());
            }
        }
        return new OracleTerms(credit, noCeiling ? null : ceiling);
    }

    /** Every version's effective_from, ascending. */
    Set<Instant> effectiveFroms() {
        return versions.keySet();
    }
}
