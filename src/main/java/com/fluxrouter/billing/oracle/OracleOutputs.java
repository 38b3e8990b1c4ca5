package com.fluxrouter.billing.oracle;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/** What the oracle says the pipeline must produce; amounts are USD {@code BigDecimal}s compared by value. */
public final class OracleOutputs {
    private OracleOutputs() {
    }

    /** What became of one request: {@code PRICED}, {@code DUPLICATE} or a rejection reason of rule 4. */
    public record Outcome(String requestId, String account, String verdict, Priced priced) {
        public boolean isPriced() {
            return priced != null;
        }
    }

    /** A priced request (rules 1, 2, 5): month label, lane, exact cost and the rate version used. */
    public record Priced(String requestId, String account, String month, String lane, long inputTokens,
                         long outputTokens, BigDecimal costUsd, Instant rateEffectiveFrom) {
    }

    /** An invoice line (rules 10, 11); {@code lane} only on USAGE, {@code amountDueUsd} only on TOTAL. */
    public record Line(String account, String month, String type, String lane, long requests, long inputTokens,
                       long outputTokens, BigDecimal amountUsd, BigDecimal amountDueUsd, boolean supplemental,
                       int set) {
    }

    /** An overage update (rule 8); {@code ceilingUsd} null when the month has no ceiling. */
    public record Overage(String account, String month, BigDecimal usageUsd, BigDecimal creditUsd,
                          BigDecimal ceilingUsd, BigDecimal overageUsd, BigDecimal deltaUsd, Instant asOf) {
    }

    /** A spend alert (rule 9). */
    public record Alert(String account, String month, String alert, BigDecimal usageUsd, BigDecimal thresholdUsd,
                        Instant at, String requestId) {
    }

    /**
     * An account's spend status (rule 12): amounts in USD; {@code ceilingUsd} and {@code remainingUsd} null when
     * there is no control ceiling, {@code projectedUsd} null before 20 % of the month; {@code reason} null for a
     * status evaluated on demand ({@link BillingOracle#statusAt}) rather than emitted.
     */
    public record Status(String account, String month, String status, BigDecimal usageUsd, BigDecimal creditUsd,
                         BigDecimal creditRemainingUsd, BigDecimal ceilingUsd, BigDecimal remainingUsd,
                         Instant periodStart, Instant periodEnd, BigDecimal projectedUsd, String reason,
                         Instant asOf) {
        /** The same status with another reason. */
        Status because(String why) {
            return new Status(account, month, status, usageUsd, creditUsd, creditRemainingUsd, ceilingUsd,
                    remainingUsd, periodStart, periodEnd, projectedUsd, why, asOf);
        }
    }

    /** Where the oracle puts what it emits, in emission order. */
    public interface Sink {
        void line(Line line);

        void overage(Overage update);

        void alert(Alert alert);

        void status(Status status);
    }

    /** Rule 10: an exact amount rounded half-up to cents. */
    static BigDecimal cents(BigDecimal usd) {
        return usd.setScale(2, RoundingMode.HALF_UP);
    }
}
