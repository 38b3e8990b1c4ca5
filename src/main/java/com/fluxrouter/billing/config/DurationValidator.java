package com.fluxrouter.billing.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * Checks that a setting is an ISO-8601 duration ({@code PT24H}, {@code P35D}) and, for the ones where zero or a
 * negative span would switch a safeguard off (the deduplication window, a timeout), that it is positive.
 */
public final class DurationValidator implements ConfigDef.Validator {
    private final boolean zeroAllowed;

    private DurationValidator(boolean zeroAllowed) {
        this.zeroAllowed = zeroAllowed;
    }

    /** Any duration of zero or more. */
    public static DurationValidator atLeastZero() {
        return new DurationValidator(true);
    }

    /** Any duration greater than zero. */
    public static DurationValidator positive() {
        return new DurationValidator(false);
    }

    /**
     * @throws ConfigException naming the key and the value when it is not a duration, negative, or zero where it must
     *                         be positive; a null value (no default) passes
     */
    @Override
    public void ensureValid(String name, Object value) {
        if (value == null) {
            return;
        }
        Duration duration;
        try {
            duration = Duration.parse(value.toString().trim());
        } catch (DateTimeParseException e) {
            throw new ConfigException(name, value, "not an ISO-8601 duration such as PT24H or P35D");
        }
        if (duration.isNegative() || (!zeroAllowed && duration.isZero())) {
            throw new ConfigException(name, value, "must be " + (zeroAllowed ? "zero or more" : "positive"));
        }
    }

    /** The type column of the configuration reference. */
    @Override
    public String toString() {
        return zeroAllowed ? "ISO-8601 duration, >= 0" : "ISO-8601 duration, > 0";
    }
}
