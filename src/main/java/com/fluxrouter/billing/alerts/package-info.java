/**
 * Spend alerts: CREDIT_50/80/100 of the included credit (when there is one) and CEILING_90/100 of the spend
 * ceiling (when there is one). Consumed: a month's usage and terms after each accepted request. Produced: the
 * thresholds newly reached, which the metering processor emits on {@code flux.spend.alerts}.
 *
 * <p>Guarantees: each alert at most once per account-month (the fired set lives in the month's state and its
 * changelog); thresholds are exact, rounded up to the nano-dollar.
 */
package com.fluxrouter.billing.alerts;
