/**
 * A reference implementation of {@code docs/billing-rules.md}, written from the rules' text alone, so that tests
 * (the random-traffic property test, the hostile corpus's month checks) and the chaos verdict can check the
 * pipeline's money against something that does not share its code.
 *
 * <p><b>Independence rule.</b> Classes in this package use {@link java.math.BigDecimal}, {@code java.time} and
 * {@code java.util} only. They import nothing from the production billing packages ({@code pricing},
 * {@code metering}, {@code invoicing}, {@code catalog}, {@code plans}, {@code alerts}, {@code intake}), nor the
 * generated Avro classes: callers translate their records into this package's plain records. A test
 * ({@code OracleIndependenceTest}) reads these source files and fails on a forbidden import. Money is exact:
 * every amount is a {@code BigDecimal} of US dollars, never a float or double.
 *
 * <p>Takes, in the order the pipeline would see them: lane rates, the model catalog, plan versions, requests (with
 * their record timestamps) and wall-clock advances; gives per request its outcome (priced with month, lane and cost;
 * dropped as a duplicate; rejected with a reason) and the invoice lines, overage updates and spend alerts the rules
 * demand. It models one partition, hence one billing clock (rule 10).
 */
package com.fluxrouter.billing.oracle;
