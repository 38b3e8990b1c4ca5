/**
 * Errors as data. Consumed: exceptions raised while deserializing or processing any input record. Produced:
 * {@code RejectedRecord}s on {@code flux.requests.rejected}, keyed by the original key bytes, carrying a
 * {@link com.fluxrouter.billing.errors.Reason} code, a detail, the source topic, partition, offset and timestamp,
 * and the original value bytes.
 *
 * <p>Guarantees: a rejected record is written in the same exactly-once transaction that commits its input offset,
 * so it is rejected exactly once; processing resumes with the next record; a rejected request leaves no state
 * behind, so once fixed it can be sent again and is priced.
 */
package com.fluxrouter.billing.errors;
