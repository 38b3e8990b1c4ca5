package com.fluxrouter.billing.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The schema registry refused a request: an unknown id, an incompatible schema, a missing subject. A record that
 * meets one of these is bad data, hence a {@link SerializationException}, which the pipeline rejects with its bytes.
 */
public class RegistryException extends SerializationException {
    public RegistryException(String message) {
        super(message);
    }
}
