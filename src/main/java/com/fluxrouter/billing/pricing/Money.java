package com.fluxrouter.billing.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Exact money: amounts are {@code long} nano-dollars inside the pipeline and {@link BigDecimal} with scale 9 on
 * the wire. No floating point anywhere.
 */
public final class Money {
    /** Scale of every money field on the wire: 1e-9 USD. */
    public static final int SCALE = 9;
    public static final long NANOS_PER_CENT = 10_000_000L;

    private Money() {
    }

    /**
     * Nano-dollars of an amount.
     *
     * @throws ArithmeticException if the amount has more than 9 decimal places or does not fit in a long
     */
    public static long toNanos(BigDecimal usd) {
        return usd.setScale(SCALE, RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
    }

    /** The wire form of an amount: scale 9, as every money field's Avro decimal type requires. */
    public static BigDecimal toUsd(long nanos) {
        return BigDecimal.valueOf(nanos, SCALE);
    }

    /** Rounds half-up (away from zero at exactly half a cent) to whole cents, still in nanos. */
    public static long roundToCents(long nanos) {
        long magnitude = Math.abs(nanos);
        long cents = (magnitude + NANOS_PER_CENT / 2) / NANOS_PER_CENT;
        return Long.signum(nanos) * cents * NANOS_PER_CENT;
    }
}
