/**
 * Metering: account-months against their plans, and each account's spend status. Consumed: valid requests on their
 * account's partition, which {@code PriceRequest} prices from the catalog (rules 1, 2) and gives the plan versions
 * published by their record timestamp (rule 6, production order); as {@code MeterInput}s, those and the changes of
 * the {@code plan-history} table ({@code PlanChange}, stamped with their publication; rule 12); a month closes under
 * the versions published by the instant that closes it. Produced, each forwarded by name to its sink
 * ({@code OutputSink}): {@code flux.requests.priced}, {@code flux.usage.overage}, {@code flux.spend.alerts},
 * {@code flux.invoice.lines} and {@code flux.accounts.spend-status} (key account_id, value SpendStatus, the last
 * one per account also in the {@code spend-status} store); rejections UNKNOWN_MODEL, UNKNOWN_LANE, NO_RATE, TOO_LATE
 * and ACCOUNT_MONTH_LIMIT. Calendar and plan arithmetic ({@code BillingCalendar}, {@code PlanTimeline}: control
 * terms at an instant and billing terms of a month, {@code Settlement}, {@code Ledgers}, {@code StatusFigures}) and
 * the metering transition ({@code MeterTransition}: {@code MeterState} in, {@code MeterStep} out) are plain Java
 * without Kafka; {@code MeterProcessor} holds the state and applies each step.
 *
 * <p>Compute, then write (docs/billing-rules.md section 4, "Failures"): a request's step, and an idle close's, is
 * computed completely before any state is written or any output forwarded. A failure while computing leaves nothing
 * of the record (it becomes a rejection, PROCESSING_ERROR for a bug); a failure while writing fails the task, so the
 * transaction aborts and the record is processed again. {@code FaultPoint} is a package-private test seam for
 * injecting a failure at each step; production never sets it.
 *
 * <p>Guarantees: an accepted request_id is priced once within the deduplication window and anything older is
 * rejected, so nothing is billed twice; an id is kept at least its window, and {@code AcceptedIdSweep} deletes it
 * within two thirds of a window after (storage only: what is a duplicate depends on the stored acceptance and the
 * window alone); a month closes once, when the partition's billing clock (event time of
 * accepted requests, or the wall clock when the partition is idle) reaches its end plus grace; the late requests of
 * a closed month gather into one pending supplemental set (a SUPPLEMENT deadline), emitted one
 * {@code flux.billing.supplemental-window} later on the billing clock, when the partition goes idle, and always
 * before the month's state is purged (rule 11); no account-month passes $9,000,000,000 of usage, so no sum overflows; all state is in
 * changelogged stores and commits with the outputs (exactly_once_v2).
 *
 * <p>Spend status (rule 12): routing follows the control ceiling (the version in force), billing the month's largest
 * terms; an account's status is computed after each of its requests, at each plan change (re-applying the billing
 * terms to its open month at once) and at its PERIOD (its month ends in its zone), EFFECT (a scheduled version takes
 * effect) and STATUS (a throttled usage change) deadlines, all on the billing clock, so a capped account resumes on an
 * upgrade or a new period with no request, and replay and live agree. A status is emitted at once when its month,
 * status, credit, ceiling or period changes, a usage change at most once per {@code flux.billing.status-interval};
 * FORECAST_CEILING fires once per account-month, in a request's step only, so that it depends on production order
 * alone (a plan change's status takes its as_of from the change's publication). A plan change's step is computed before anything is written like a
 * request's; a failure computing it applies nothing and is logged (a valid plan is never rejected).
 */
package com.fluxrouter.billing.metering;
