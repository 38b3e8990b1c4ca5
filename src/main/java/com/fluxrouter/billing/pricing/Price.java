package com.fluxrouter.billing.pricing;

/** Cost of one request in nano-dollars. */
public record Price(long inputNanos, long outputNanos) {
    public long totalNanos() {
        return inputNanos + outputNanos;
    }

    /** {@code tokens x rate} for input and output; exact, since token counts and rates are bounded. */
    public static Price of(long inputTokens, long outputTokens, Rate rate) {
        return new Price(Math.multiplyExact(inputTokens, rate.inputNanosPerToken()),
                Math.multiplyExact(outputTokens, rate.outputNanosPerToken()));
    }
}
