/**
 * Metering: account-months against their plans. Consumed: priced requests with the plan versions published by
 * their record timestamp ({@code PlansAsPublished}, rule 6, production order); a month closes under those published
 * by the instant that closes it.
 * Produced: {@code flux.requests.priced}, {@code flux.usage.overage}, {@code flux.spend.alerts} and
 * {@code flux.invoice.lines}; rejections TOO_LATE. Calendar and plan arithmetic ({@code BillingCalendar},
 * {@code PlanTimeline}, {@code Settlement}, {@code Ledgers}) are plain Java; {@code MeterProcessor} holds the state.
 *
 * <p>Guarantees: an accepted request_id is priced once within the deduplication window and anything older is
 * rejected, so nothing is billed twice; a month closes once, when the partition's billing clock (event time of
 * accepted requests, or the wall clock when the partition is idle) reaches its end plus grace; late requests give
 * supplemental invoice sets; all state is in changelogged stores and commits with the outputs (exactly_once_v2).
 */
package com.fluxrouter.billing.metering;
