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
    /** The shortest duration allowed, or null for none beyond zero or positive. */
    private final Duration minimum;

    private DurationValidator(boolean zeroAllowed, Duration minimum) {
        this.zeroAllowed = zeroAllowed;
        this.minimum = minimum;
    }

    /** Any duration of zero or more. */
    public static DurationValidator atLeastZero() {
        return new DurationValidator(true, null);
    }

    /** Any duration greater than zero. */
    public static DurationValidator positive() {
        return new DurationValidator(false, null);
    }

    /**
     * Any duration of {@code minimum} or more, for a setting whose shorter values would be truncated to nothing or
     * would busy the instance (a timer's period).
     *
     * @param minimum positive
     */
    public static DurationValidator atLeast(Duration minimum) {
        if (minimum.isNegative() || minimum.isZero()) {
            throw new IllegalArgumentException("the minimum must be positive: " + minimum);
        }
        return new DurationValidator(false, minimum);
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
        if (minimum != null && duration.compareTo(minimum) < 0) {
            throw new ConfigException(name, value, "must be at least " + minimum);
        }
    }

    /** The type column of the configuration reference. */
    @Override
    public String toString() {
        if (minimum != null) {
            return "ISO-8601 duration, >= " + minimum;
        }
        return zeroAllowed ? "ISO-8601 duration, >= 0" : "ISO-8601 duration, > 0";
    }
}
