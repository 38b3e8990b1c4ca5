/**
 * The HTTP API of a running instance. Consumed: the Kafka Streams instance (state stores through IQv2, its
 * metadata for ownership, its metrics) and the process-wide counters of rejections, alerts and overage updates.
 * Produced: usage per account-month as JSON (forwarded to the owning instance when it is elsewhere), {@code /health},
 * {@code /ready} and {@code /metrics} in the Prometheus text format 0.0.4.
 *
 * <p>Guarantees: usage is read from the stores of the active owner only; off loopback every usage request needs a
 * bearer token; the metrics exposition has one TYPE line per family, escaped label values, no duplicate series, and
 * money never appears in it (counts only).
 */
package com.fluxrouter.billing.api;
