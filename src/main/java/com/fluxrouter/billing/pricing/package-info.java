/**
 * Pricing, as plain Java with no Kafka types: lanes, exact money, rate versions and the price of a request.
 *
 * <p>Guarantees: every amount is an exact integer of nano-dollars; a rate with at most 3 decimal places per 1M
 * tokens prices any token count up to 10,000,000 exactly; arithmetic that could overflow throws rather than wraps.
 */
package com.fluxrouter.billing.pricing;
