/**
 * The HTTP API of a running instance. Consumed: the Kafka Streams instance (state stores through IQv2, its
 * metadata for ownership), the instance's thread replacements (for health) and its Micrometer meters. Produced: usage
 * per account-month as JSON (forwarded to the owning instance when it is elsewhere), {@code /health}, {@code /ready}
 * (both also answer {@code HEAD}) and {@code /metrics} in the Prometheus text format 0.0.4, written by Micrometer's
 * Prometheus registry.
 *
 * <p>Guarantees: usage is read from the stores of the active owner only; off loopback every usage request needs a
 * bearer token; {@code /health} is 503 while Kafka Streams is failed or its threads crash-loop; every 500 is logged
 * with its cause; money never appears in {@code /metrics} (counts only).
 */
package com.fluxrouter.billing.api;
