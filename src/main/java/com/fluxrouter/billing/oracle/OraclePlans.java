package com.fluxrouter.billing.oracle;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Rules 5 and 6: billing zones and the terms of a month from each account's plan versions. */
final class OraclePlans {
    private static final BigDecimal MAX_AMOUNT = BigDecimal.valueOf(1_000_000_000L);

    /** A month's terms; {@code ceiling} null means none. */
    record Terms(BigDecimal credit, BigDecimal ceiling) {
        static final Terms PAY_AS_YOU_GO = new Terms(BigDecimal.ZERO.setScale(9), null);
    }

    private final Map<String, TreeMap<Instant, OracleInputs.Plan>> plans = new HashMap<>();

    /** Rule 6 / INVALID_PLAN: negative amounts, ceiling below credit, above $1e9, unknown zone are not used. */
    boolean publish(OracleInputs.Plan plan) {
        if (!valid(plan.creditUsd()) || plan.ceilingUsd() != null && (!valid(plan.ceilingUsd())
                || plan.ceilingUsd().compareTo(plan.creditUsd()) < 0) || !validZone(plan.zone())) {
            return false;
        }
        plans.computeIfAbsent(plan.account(), a -> new TreeMap<>()).put(plan.effectiveFrom(), plan);
        return true;
    }

    private static boolean valid(BigDecimal usd) {
        return usd != null && usd.signum() >= 0 && usd.compareTo(MAX_AMOUNT) <= 0;
    }

    private static boolean validZone(String zone) {
        if (zone == null) {
            return true;
        }
        try {
            ZoneId.of(zone);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** Rule 5: the zone of the version in force at {@code at}; UTC before the first version or when it has none. */
    ZoneId zoneAt(String account, Instant at) {
        TreeMap<Instant, OracleInputs.Plan> versions = plans.get(account);
        Map.Entry<Instant, OracleInputs.Plan> entry = versions == null ? null : versions.floorEntry(at);
        if (entry == null || entry.getValue().zone() == null) {
            return ZoneOffset.UTC;
        }
        return ZoneId.of(entry.getValue().zone());
    }

    /** Rule 6: the largest credit and ceiling (none is the largest) in force at any instant of the month. */
    Terms termsOf(String account, YearMonth month, ZoneId zone) {
        TreeMap<Instant, OracleInputs.Plan> versions = plans.get(account);
        if (versions == null) {
            return Terms.PAY_AS_YOU_GO;
        }
        Instant start = month.atDay(1).atStartOfDay(zone).toInstant();
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
        Map.Entry<Instant, OracleInputs.Plan> atStart = versions.floorEntry(start);
        Instant from = atStart == null ? start : atStart.getKey();
        Map<Instant, OracleInputs.Plan> inForce = versions.subMap(from, true, end, false);
        if (inForce.isEmpty()) {
            return Terms.PAY_AS_YOU_GO;
        }
        BigDecimal credit = BigDecimal.ZERO.setScale(9);
        BigDecimal ceiling = BigDecimal.ZERO.setScale(9);
        boolean noCeiling = false;
        for (OracleInputs.Plan plan : inForce.values()) {
            credit = credit.max(plan.creditUsd());
            if (plan.ceilingUsd() == null) {
                noCeiling = true;
            } else {
                ceiling = ceiling.max(plan.ceilingUsd());
            }
        }
        return new Terms(credit, noCeiling ? null : ceiling);
    }
}
