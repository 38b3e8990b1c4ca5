package com.fluxrouter.billing.metering;

/**
 * Something that falls due on a partition's billing clock (rules 3, 10, 11): closing an account-month, purging a
 * closed month's state once no request can reach it, forgetting an accepted request id once any copy of it is
 * TOO_LATE, emitting the pending supplemental set of a closed account-month. Plain data; {@link DeadlineIndex} keeps them in a store.
 *
 * @param at      billing-clock instant (epoch milliseconds) at which it falls due
 * @param kind    what falls due
 * @param subject the ledger key (CLOSE, PURGE, SUPPLEMENT) or the request-id key (FORGET_ID) it concerns
 */
record Deadline(long at, Kind kind, String subject) {
    /**
     * What falls due; the ordinal is the kind byte of the stored index keys, so kinds are only ever appended
     * (SUPPLEMENT came after the release at 52fbfc3, whose stores hold only the first three).
     */
    enum Kind { CLOSE, PURGE, FORGET_ID, SUPPLEMENT }
}
