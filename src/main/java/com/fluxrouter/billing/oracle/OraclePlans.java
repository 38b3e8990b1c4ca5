package com.fluxrouter.billing.oracle;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rule 6: every valid plan version with the instant it was published (its record timestamp), and the two ways the
 * rules read them: what a request or a close knew (published by an instant, "Production order") and the account's
 * plan history as received (what a plan change carries, rule 12 B).
 */
final class OraclePlans {
    private static final BigDecimal MAX_AMOUNT = BigDecimal.valueOf(1_000_000_000L);

    private record Publication(OracleInputs.Plan plan, Instant publishedAt) {
    }

    /** Per account, every valid publication in the order received. */
    private final Map<String, List<Publication>> publications = new HashMap<>();

    /**
     * Rule 6 / INVALID_PLAN: negative amounts, a ceiling below the credit, above $1e9 or an unknown zone are not used.
     *
     * @return false when the version is invalid (and not kept)
     */
    boolean publish(OracleInputs.Plan plan, Instant publishedAt) {
        if (!valid(plan.creditUsd()) || plan.ceilingUsd() != null && (!valid(plan.ceilingUsd())
                || plan.ceilingUsd().compareTo(plan.creditUsd()) < 0) || !validZone(plan.zone())) {
            return false;
        }
        publications.computeIfAbsent(plan.account(), a -> new ArrayList<>()).add(new Publication(plan, publishedAt));
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

    /**
     * Rule 6, production order: per effective_from, the version published latest at or before {@code at} (a
     * republished key replaces the earlier publication; of two published at the same instant, the later received).
     */
    OracleTimeline asOf(String account, Instant at) {
        TreeMap<Instant, Publication> chosen = new TreeMap<>();
        for (Publication publication : publications.getOrDefault(account, List.of())) {
            if (publication.publishedAt().isAfter(at)) {
                continue;
            }
            Publication earlier = chosen.get(publication.plan().effectiveFrom());
            if (earlier == null || !publication.publishedAt().isBefore(earlier.publishedAt())) {
                chosen.put(publication.plan().effectiveFrom(), publication);
            }
        }
        TreeMap<Instant, OracleInputs.Plan> versions = new TreeMap<>();
        chosen.forEach((from, publication) -> versions.put(from, publication.plan()));
        return new OracleTimeline(versions);
    }

    /** Rule 12 B: the account's history as received, each key's latest version, whatever its publication time. */
    OracleTimeline history(String account) {
        TreeMap<Instant, OracleInputs.Plan> versions = new TreeMap<>();
        publications.getOrDefault(account, List.of()).forEach(p -> versions.put(p.plan().effectiveFrom(), p.plan()));
        return new OracleTimeline(versions);
    }
}
