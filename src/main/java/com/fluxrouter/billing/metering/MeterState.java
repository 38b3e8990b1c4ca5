package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.MonthLedger;

import java.util.List;

/**
 * What {@link MeterTransition} reads of one partition's metering state, read-only and without Kafka: the billing
 * clock, the accepted request ids, the account-months, the deadlines, the accounts' last spend statuses and the plan
 * histories. {@code MeterProcessor}
 * answers from its stores; tests answer from maps.
 */
interface MeterState {
    /** The billing clock (epoch ms): latest accepted completed_at or idle wall clock; Long.MIN_VALUE before any. */
    long clock();

    /** The billing clock when the id key (see {@link MeterTransition#idKey}) was accepted; null if not remembered. */
    Long acceptedAt(String idKey);

    /** The account-month under a ledger key (see {@link MeterTransition#ledgerKey}); null if none. */
    MonthLedger ledger(String ledgerKey);

    /** The last spend status emitted for the account (rule 12); null if none was. */
    SpendStatus status(String accountId);

    /** Every deadline due at or before the instant (epoch ms), oldest first. */
    List<Deadline> due(long upTo);

    /**
     * The account's plan versions as published by an instant (rule 6, "Production order"; empty when none was).
     *
     * @param asOfMs epoch ms whose knowledge counts: the record timestamp of the request, or the wall-clock instant
     *               of an idle close
     */
    PlanTimeline plans(String accountId, long asOfMs);
}
