package com.fluxrouter.billing.errors;

/** Reason codes on {@code flux.requests.rejected}; docs/billing-rules.md explains each. */
public enum Reason {
    /** The bytes are not a record of the topic's schema (deserialization handler). */
    MALFORMED,
    /** request_id or account_id is empty. */
    MISSING_ID,
    /** An id is longer than 256 Unicode code points or holds control characters or invalid UTF-8. */
    INVALID_ID,
    /** The record key is missing or is not the value's account_id. */
    KEY_MISMATCH,
    /** A token count is negative or over 10,000,000. */
    INVALID_TOKENS,
    /** completed_at is more than 5 minutes after the record was produced. */
    FUTURE_TIMESTAMP,
    /**
     * The request arrived on a partition other than the one Kafka's default partitioner (murmur2 of the key) gives
     * its account, and {@code flux.intake.misrouted=reject} (rule 4a).
     */
    WRONG_PARTITION,
    /** completed_at is before the configured earliest valid time. */
    INVALID_TIMESTAMP,
    /** completed_at is older than the deduplication window behind the billing clock. */
    TOO_LATE,
    /** Neither the model catalog nor the router's lane claim gives a lane. */
    UNKNOWN_MODEL,
    /** The router's lane claim is not a lane and the catalog does not know the model. */
    UNKNOWN_LANE,
    /** No rate version of the lane is in force at completed_at. */
    NO_RATE,
    /** A model catalog entry that cannot be used. */
    INVALID_MODEL,
    /** A rate card version that cannot be used. */
    INVALID_RATE,
    /** A plan version that cannot be used. */
    INVALID_PLAN,
    /**
     * Accepting the request would take its account-month past a limit of docs/billing-rules.md rule 7 (usage over
     * $9,000,000,000, or 9e18 requests or tokens).
     */
    ACCOUNT_MONTH_LIMIT,
    /** An unexpected failure while computing the record's result; nothing of the record was kept. */
    PROCESSING_ERROR
}
