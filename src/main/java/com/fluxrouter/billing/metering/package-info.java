/**
 * Metering: account-months against their plans. Consumed: priced requests with the plan versions published by
 * their record timestamp ({@code PlansAsPublished}, rule 6, production order); a month closes under those published
 * by the instant that closes it.
 * Produced: {@code flux.requests.priced}, {@code flux.usage.overage}, {@code flux.spend.alerts} and
 * {@code flux.invoice.lines}; rejections TOO_LATE and ACCOUNT_MONTH_LIMIT. Calendar and plan arithmetic
 * ({@code BillingCalendar}, {@code PlanTimeline}, {@code Settlement}, {@code Ledgers}) and the metering transition
 * ({@code MeterTransition}: {@code MeterState} in, {@code MeterStep} out) are plain Java without Kafka;
 * {@code MeterProcessor} holds the state and applies each step.
 *
 * <p>Compute, then write (docs/billing-rules.md section 4, "Failures"): a request's step, and an idle close's, is
 * computed completely before any state is written or any output forwarded. A failure while computing leaves nothing
 * of the record (it becomes a rejection, PROCESSING_ERROR for a bug); a failure while writing fails the task, so the
 * transaction aborts and the record is processed again. {@code FaultPoint} is a package-private test seam for
 * injecting a failure at each step; production never sets it.
 *
 * <p>Guarantees: an accepted request_id is priced once within the deduplication window and anything older is
 * rejected, so nothing is billed twice; a month closes once, when the partition's billing clock (event time of
 * accepted requests, or the wall clock when the partition is idle) reaches its end plus grace; the late requests of
 * a closed month gather into one pending supplemental set (a SUPPLEMENT deadline), emitted one
 * {@code flux.billing.supplemental-window} later on the billing clock, when the partition goes idle, and always
 * before the month's state is purged (rule 11); no account-month passes $9,000,000,000 of usage, so no sum overflows; all state is in
 * changelogged stores and commits with the outputs (exactly_once_v2).
 */
package com.fluxrouter.billing.metering;
