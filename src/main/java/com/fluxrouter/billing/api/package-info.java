/**
 * The HTTP API of a running instance. Consumed: the Kafka Streams instance (state stores through IQv2 and
 * interactive queries, its metadata for ownership and the hosts of each key, its local changelog lags), the instance's
 * thread replacements (for health) and its Micrometer meters. Produced: usage per account-month as JSON (forwarded to
 * the owning instance when it is elsewhere), each account's latest spend status as JSON (rule 12), {@code /health},
 * {@code /ready} (both also answer {@code HEAD}) and {@code /metrics} in the Prometheus text format 0.0.4, written by
 * Micrometer's Prometheus registry.
 *
 * <p>Guarantees: usage is read from the stores of the active owner only; the spend status from the active copy of a
 * running instance, or from a standby or restoring copy at most {@code flux.http.status-max-lag} changelog offsets
 * behind ({@link com.fluxrouter.billing.api.StatusRoute}), so a rebalance does not fail it; a forwarded request is
 * never forwarded again; off loopback every usage and status request needs a bearer token, with the same rights for
 * both; {@code /health} is 503 while Kafka Streams is failed or its threads crash-loop; every 500 is logged with its
 * cause; money never appears in {@code /metrics} (counts only).
 */
package com.fluxrouter.billing.api;
