package com.fluxrouter.billing.serde;

import org.apache.kafka.common.KafkaException;

/**
 * The schema registry could not be reached or failed (network error, timeout, HTTP 5xx). Not the record's fault:
 * deliberately not a SerializationException, so the pipeline retries the record instead of rejecting it.
 */
public final class RegistryUnavailableException extends KafkaException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
