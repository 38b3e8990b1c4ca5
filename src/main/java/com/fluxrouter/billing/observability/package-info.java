/**
 * What operators see of a running instance. Consumed: one Kafka Streams client, its state changes, restorations and
 * thread failures. Produced: the instance's Micrometer registry ({@link com.fluxrouter.billing.observability.PipelineMeters},
 * Prometheus text behind {@code /metrics}: every Kafka Streams and client metric, the JVM's, and the pipeline's own
 * counters), the health verdict on repeated thread replacements
 * ({@link com.fluxrouter.billing.observability.ThreadReplacements}), INFO log lines for every state change, task
 * assignment and restoration ({@link com.fluxrouter.billing.observability.StreamsLifecycle},
 * {@link com.fluxrouter.billing.observability.RestoreLog}), and whether the client stopped on its own.
 *
 * <p>Guarantees: meters belong to one pipeline instance, never to the JVM, so two instances in one process count
 * apart; counts only, never money (amounts stay on the output topics, where they are exact); the pipeline's own
 * counters count processing attempts and say so in their help text.
 */
package com.fluxrouter.billing.observability;
