package com.fluxrouter.billing.oracle;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Rules 1 and 2: the lane of a request and its rate version, from the catalog and the rates published so far. */
final class OracleCatalog {
    static final List<String> LANES = List.of("EXPRESS", "DAILY_DRIVER", "DEEP_THOUGHT");
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private final Map<String, String> modelLanes = new HashMap<>();
    private final Map<String, TreeMap<Instant, OracleInputs.Rate>> rates = new HashMap<>();

    /** Rule 1 / INVALID_MODEL: an entry with an unknown lane or no model id is not used. */
    boolean publishModel(String modelId, String lane) {
        if (modelId == null || modelId.isEmpty() || !LANES.contains(lane)) {
            return false;
        }
        modelLanes.put(modelId, lane);
        return true;
    }

    /** Rule 2 / INVALID_RATE: more than 3 decimals per 1M, negative, above $1,000,000 or an unknown lane. */
    boolean publishRate(OracleInputs.Rate rate) {
        if (!LANES.contains(rate.lane()) || !validRate(rate.inputUsdPerMillion())
                || !validRate(rate.outputUsdPerMillion())) {
            return false;
        }
        rates.computeIfAbsent(rate.lane(), l -> new TreeMap<>()).put(rate.effectiveFrom(), rate);
        return true;
    }

    private static boolean validRate(BigDecimal usdPerMillion) {
        return usdPerMillion != null && usdPerMillion.signum() >= 0 && usdPerMillion.compareTo(MILLION) <= 0
                && usdPerMillion.stripTrailingZeros().scale() <= 3;
    }

    /** The lane of the served model, else the router's claim; null when neither names a lane. */
    String laneOf(String servedModel, String claimedLane) {
        String lane = modelLanes.get(servedModel);
        return lane != null ? lane : claimedLane;
    }

    /** The rate version with the latest effective_from not after {@code completedAt}, or null (NO_RATE). */
    OracleInputs.Rate rateAt(String lane, Instant completedAt) {
        TreeMap<Instant, OracleInputs.Rate> versions = rates.get(lane);
        if (versions == null) {
            return null;
        }
        Map.Entry<Instant, OracleInputs.Rate> entry = versions.floorEntry(completedAt);
        return entry == null ? null : entry.getValue();
    }

    /** Rule 2: tokens times the rates per 1M, exact in BigDecimal. */
    static BigDecimal cost(OracleInputs.Rate rate, long inputTokens, long outputTokens) {
        BigDecimal input = rate.inputUsdPerMillion().multiply(BigDecimal.valueOf(inputTokens));
        BigDecimal output = rate.outputUsdPerMillion().multiply(BigDecimal.valueOf(outputTokens));
        return input.add(output).divide(MILLION).setScale(9);
    }
}
