/**
 * A reference implementation of {@code docs/billing-rules.md} and the spend-status rules of issue 13 (rule 12), written
 * from the rules' text alone, so that tests (the random-traffic property test, the hostile corpus's month checks) and
 * the chaos verdict can check the pipeline's money and statuses against something that does not share its code.
 *
 * <p><b>Independence rule.</b> Classes in this package use {@link java.math.BigDecimal}, {@code java.time} and
 * {@code java.util} only. They import nothing from the production billing packages ({@code pricing},
 * {@code metering}, {@code invoicing}, {@code catalog}, {@code plans}, {@code alerts}, {@code intake}), nor the
 * generated Avro classes: callers translate their records into this package's plain records. A test
 * ({@code OracleIndependenceTest}) reads these source files and fails on a forbidden import. Money is exact:
 * every amount is a {@code BigDecimal} of US dollars, never a float or double.
 *
 * <p>Takes, in the order the pipeline would see them: lane rates, the model catalog, plan versions (each with the
 * instant it was published), requests (with their record timestamps) and wall-clock advances; gives per request its
 * outcome (priced with month, lane and cost; dropped as a duplicate; rejected with a reason), the invoice lines,
 * overage updates and spend alerts the rules demand, and every spend status emitted with the last one per account.
 * It models one partition, hence one billing clock (rule 10).
 *
 * <p><b>Readings</b> where the status rules' text leaves a point open:
 * <ul>
 *   <li>A deadline that handling another adds, and that the billing clock has already reached, is handled in the
 *       same step in its place in time: a clock that jumps gives what small steps would (replay and live agree).</li>
 *   <li>PERIOD falls at the {@code period_end} of every status emitted (section D's text). Where the account-month
 *       keeps another zone than the plan in force (rule 5), that is not when section B's billing month ends: no
 *       new-period status comes at midnight in the plan's zone when the month's zone ends earlier, and it comes late
 *       when the month's zone ends later.</li>
 *   <li>A change of the period's bounds alone is emitted at once, like a change of status, credit or ceiling
 *       ({@code flux.billing.status-interval} in docs/operations.md), with the same reason.</li>
 *   <li>Billing terms are re-applied at a status computation to the open ledger of the status's month only
 *       (section D), not to a previous month still open in its grace period (section A says "open months").</li>
 *   <li>Ceiling alerts of a status computation carry {@code at} = its as_of and the request that caused it, if
 *       any; FORECAST_CEILING is a request's alone, at the request's completed_at (rule 9).</li>
 * </ul>
 */
package com.fluxrouter.billing.oracle;
