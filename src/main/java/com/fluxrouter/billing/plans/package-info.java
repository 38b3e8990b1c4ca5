/**
 * Account plans. Consumed: {@code flux.accounts.plans} (AccountPlanKey to AccountPlan, compacted). Produced: the
 * {@code plan-history} table, one PlanHistory per account, co-partitioned with the requests through the
 * {@code plans-by-account} repartition topic (the current plans); the pipeline-owned copy
 * {@code flux-billing.accounts.plans.valid} and from it the global store {@code plan-publications}, every valid
 * version of an account with its publication time (PlanPublications); rejections INVALID_PLAN.
 *
 * <p>Guarantees: a plan version with a negative amount, a ceiling below its credit or an unknown zone never takes
 * effect; publishing a version with the same key replaces it from its publication on. Metering reads the versions
 * published by an instant ({@code PublishedPlans}), and the global store is complete before processing starts
 * (Kafka Streams loads it first; {@code topology.ValidCopySeed} fills an empty copy), so a re-run or a first start over
 * history meters in production order (rule 6).
 */
package com.fluxrouter.billing.plans;
