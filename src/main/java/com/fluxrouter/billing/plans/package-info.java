/**
 * Account plans. Consumed: {@code flux.accounts.plans} (AccountPlanKey to AccountPlan, compacted). Produced: the
 * {@code plan-history} table, one PlanHistory per account, co-partitioned with the requests through the
 * {@code plans-by-account} repartition topic; rejections INVALID_PLAN.
 *
 * <p>Guarantees: a plan version with a negative amount, a ceiling below its credit or an unknown zone never takes
 * effect; publishing a version with the same key replaces it.
 */
package com.fluxrouter.billing.plans;
