/**
 * Errors as data. Consumed: exceptions raised while deserializing or processing any input record. Produced:
 * {@code RejectedRecord}s on {@code flux.requests.rejected}, keyed by the original key bytes, carrying a
 * {@link com.fluxrouter.billing.errors.Reason} code, a detail, the source topic, partition, offset and timestamp,
 * and the original key and value bytes (prefixes of them, with their lengths and SHA-256 in the detail, when together
 * they exceed 1 MiB).
 *
 * <p>Guarantees: a rejected record is written in the same exactly-once transaction that commits its input offset,
 * so it is rejected exactly once; processing resumes with the next record; a rejected request leaves no state
 * behind, so once fixed it can be sent again and is priced. A schema-registry failure, or any failure while a
 * processor writes the state or forwards the outputs of a result it already computed ({@code WritePhase},
 * {@code WriteFailedException}), is never a rejection: the task fails, the record's transaction is aborted and it
 * is processed again (docs/billing-rules.md section 4, "Failures").
 */
package com.fluxrouter.billing.errors;
