package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.schema.state.PlanHistory;

/**
 * A new or changed plan history of an account, as the {@code plan-history} table's change stream gives it (rule 12):
 * its record timestamp is when the change was published. The meter computes the account's spend status under it at
 * once, re-applies the billing terms to the open current month and schedules the versions that take effect later.
 *
 * @param accountId the account
 * @param history   every version of the account the table holds, oldest effective_from first; never null
 */
public record PlanChange(String accountId, PlanHistory history) implements MeterInput {
}
