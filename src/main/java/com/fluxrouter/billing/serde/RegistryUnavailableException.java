package com.fluxrouter.billing.serde;

import org.apache.kafka.common.KafkaException;

/**
 * The schema registry could not be reached, failed or would not serve us (network error, timeout, HTTP 5xx, 408, 429,
 * 401, 403, and a 404 that is not "schema not found": a wrong path, or a registry that lost its ids). Not the record's
 * fault:
 * deliberately not a SerializationException, so the pipeline retries the record instead of rejecting it.
 */
public final class RegistryUnavailableException extends KafkaException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
