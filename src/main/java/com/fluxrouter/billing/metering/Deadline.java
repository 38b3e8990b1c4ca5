package com.fluxrouter.billing.metering;

/**
 * Something that falls due on a partition's billing clock (rules 3, 10, 11, 12): closing an account-month, purging a
 * closed month's state once no request can reach it, forgetting an accepted request id once any copy of it is
 * TOO_LATE (only ids accepted by an earlier release, or with {@code flux.billing.forget-ids-by-deadline}: otherwise
 * {@link AcceptedIdSweep} forgets them), emitting the pending supplemental set of a closed account-month, and an account's spend status at the
 * end of its billing period, when a scheduled plan version takes effect, or when a throttled usage change is due.
 * Plain data; {@link DeadlineIndex} keeps them in a store.
 *
 * @param at      billing-clock instant (epoch milliseconds) at which it falls due
 * @param kind    what falls due
 * @param subject the ledger key (CLOSE, PURGE, SUPPLEMENT), the request-id key (FORGET_ID) or the account id
 *                (PERIOD, EFFECT, STATUS) it concerns
 */
record Deadline(long at, Kind kind, String subject) {
    /**
     * What falls due; the ordinal is the kind byte of the stored index keys, so kinds are only ever appended
     * (SUPPLEMENT came after the release at 52fbfc3, whose stores hold only the first three; PERIOD, EFFECT and
     * STATUS with the spend status, rule 12).
     */
    enum Kind {
        CLOSE, PURGE, FORGET_ID, SUPPLEMENT,
        /** The account's billing period ends: its new period's status (NEW_PERIOD). */
        PERIOD,
        /** A plan version scheduled ahead takes effect: the account's status under it. */
        EFFECT,
        /** A throttled usage change of the account's status is due (flux.billing.status-interval). */
        STATUS
    }
}
