package com.fluxrouter.billing.metering;

/**
 * Test seam, not a setting: called at each step of metering a request (or of an idle close or a plan change) and of writing its
 * result, so that tests can make any step fail and check what remains. Production never sets one:
 * {@link MeterTransition#faultPoint} is {@link #NONE} unless a test in this package replaces it.
 */
@FunctionalInterface
interface FaultPoint {
    /** Does nothing: production's fault point. */
    FaultPoint NONE = step -> {
    };

    /** The steps, in the order a request reaches them; a step a request does not need is not reached. */
    enum Step {
        /** Compute: TOO_LATE check and the deduplication lookup. */
        DEDUPLICATE,
        /** Compute: the billing clock moves and what falls due is handled (reached even when nothing moves). */
        ADVANCE_CLOCK,
        /** Compute: a due account-month closes (original invoice set), during {@link #ADVANCE_CLOCK} or after it. */
        CLOSE,
        /** Compute: the request's account-month is found or opened. */
        OPEN_MONTH,
        /** Compute: the request id is remembered. */
        REMEMBER_ID,
        /** Compute: the request's usage is checked against the limits and added to its account-month. */
        ADD_USAGE,
        /** Compute: the priced request is emitted. */
        PRICE,
        /** Compute: the overage update, if the overage changed. */
        OVERAGE,
        /** Compute: the spend alerts reached. */
        ALERTS,
        /** Compute: a request for a closed month joins (or opens) its month's pending supplemental set. */
        INVOICE,
        /** Compute: a pending supplemental set is emitted (its deadline, an idle flush, or a purge). */
        SUPPLEMENT,
        /**
         * Compute: an account's spend status is computed (rule 12): after a request, at a plan change, or at a
         * PERIOD, EFFECT or STATUS deadline.
         */
        STATUS,
        /** Write: before the first state write of a computed step. */
        WRITE_STATE,
        /** Write: before each output record is forwarded (state already written). */
        FORWARD,
        /** Write: a walk of the accepted ids begins (AcceptedIdSweep), after a request's or idle close's step. */
        FORGET_IDS
    }

    /**
     * Called when a step is reached.
     *
     * @throws RuntimeException to make the step fail (a test's injected fault)
     */
    void reached(Step step);
}
