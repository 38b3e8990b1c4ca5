/**
 * Spend alerts: CREDIT_50/80/100 of the included credit as billed (when there is one), CEILING_90/100 of the control
 * ceiling, the ceiling of the version in force (when there is one), and FORECAST_CEILING, which a request's metering
 * step fires on the month's projection (rules 9 and 12) and is no usage threshold. Consumed: a month's usage, its billing credit and the
 * control ceiling. Produced: the usage thresholds newly reached, which the metering processor emits on
 * {@code flux.spend.alerts}.
 *
 * <p>Guarantees: each alert at most once per account-month (the fired set lives in the month's state and its
 * changelog); thresholds are exact, rounded up to the nano-dollar.
 */
package com.fluxrouter.billing.alerts;
