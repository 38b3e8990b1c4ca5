package com.fluxrouter.billing.oracle;

import java.math.BigDecimal;
import java.time.Instant;

/** The oracle's own input records, free of the pipeline's Avro and domain classes. */
public final class OracleInputs {
    private OracleInputs() {
    }

    /**
     * A lane rate version (rule 2).
     *
     * @param lane                 lane name as published ({@code EXPRESS}, {@code DAILY_DRIVER}, {@code DEEP_THOUGHT}
     *                             or anything else, which makes it invalid)
     * @param inputUsdPerMillion   USD per 1M input tokens
     * @param outputUsdPerMillion  USD per 1M output tokens
     * @param effectiveFrom        first instant it prices
     */
    public record Rate(String lane, BigDecimal inputUsdPerMillion, BigDecimal outputUsdPerMillion,
                       Instant effectiveFrom) {
    }

    /**
     * A plan version (rule 6).
     *
     * @param account       account id
     * @param creditUsd     included credit in USD
     * @param ceilingUsd    spend ceiling in USD, null for none
     * @param zone          billing time zone id, null for UTC
     * @param effectiveFrom first instant it is in force
     */
    public record Plan(String account, BigDecimal creditUsd, BigDecimal ceilingUsd, String zone,
                       Instant effectiveFrom) {
    }

    /**
     * A routed request as read from the input topic.
     *
     * @param account      account id (also the record key in these inputs)
     * @param requestId    request id
     * @param servedModel  model that served it
     * @param claimedLane  the router's lane claim, may be null
     * @param inputTokens  input tokens
     * @param outputTokens output tokens
     * @param completedAt  completion instant
     * @param recordTime   the input record's timestamp
     */
    public record Request(String account, String requestId, String servedModel, String claimedLane,
                          long inputTokens, long outputTokens, Instant completedAt, Instant recordTime) {
    }
}
