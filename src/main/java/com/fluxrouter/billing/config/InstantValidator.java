package com.fluxrouter.billing.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Checks that a setting is an ISO-8601 instant in UTC, such as {@code 2020-01-01T00:00:00Z}. */
public final class InstantValidator implements ConfigDef.Validator {
    /** @throws ConfigException naming the key and the value when it is not an instant; null passes */
    @Override
    public void ensureValid(String name, Object value) {
        if (value == null) {
            return;
        }
        try {
            Instant.parse(value.toString());
        } catch (DateTimeParseException e) {
            throw new ConfigException(name, value, "not an ISO-8601 instant such as 2020-01-01T00:00:00Z");
        }
    }

    /** The type column of the configuration reference. */
    @Override
    public String toString() {
        return "ISO-8601 instant";
    }
}
