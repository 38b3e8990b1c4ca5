package com.fluxrouter.billing.pricing;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MoneyTest {

    @Test
    void toNanosConvertsDollarsToExactNanoDollars() {
        assertThat(Money.toNanos(new BigDecimal("1"))).isEqualTo(1_000_000_000L);
        assertThat(Money.toNanos(new BigDecimal("0.000000001"))).isEqualTo(1L);
        assertThat(Money.toNanos(new BigDecimal("12.345678912"))).isEqualTo(12_345_678_912L);
        assertThat(Money.toNanos(new BigDecimal("-2.5"))).isEqualTo(-2_500_000_000L);
        assertThat(Money.toNanos(new BigDecimal("0"))).isZero();
    }

    @Test
    void toNanosIgnoresTrailingZerosBeyondNineDecimals() {
        assertThat(Money.toNanos(new BigDecimal("1.500000000000"))).isEqualTo(1_500_000_000L);
        assertThat(Money.toNanos(new BigDecimal("1E+3"))).isEqualTo(1_000_000_000_000L);
    }

    @Test
    void toNanosRefusesAmountsFinerThanANanoDollarInsteadOfRounding() {
        assertThatThrownBy(() -> Money.toNanos(new BigDecimal("0.0000000001")))
                .isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Money.toNanos(new BigDecimal("1.0000000005")))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void toNanosRefusesAmountsThatDoNotFitInALong() {
        assertThatThrownBy(() -> Money.toNanos(new BigDecimal("10000000000")))
                .isInstanceOf(ArithmeticException.class);
        assertThat(Money.toNanos(new BigDecimal("9223372036.854775807"))).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> Money.toNanos(new BigDecimal("9223372036.854775808")))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void toUsdGivesScaleNineExactly() {
        BigDecimal oneNano = Money.toUsd(1);
        assertThat(oneNano.scale()).isEqualTo(9);
        assertThat(oneNano).isEqualTo(new BigDecimal("0.000000001"));
        assertThat(Money.toUsd(0)).isEqualTo(new BigDecimal("0.000000000"));
        assertThat(Money.toUsd(1_000_000_000L)).isEqualTo(new BigDecimal("1.000000000"));
        assertThat(Money.toUsd(-1_234_567_890L)).isEqualTo(new BigDecimal("-1.234567890"));
        assertThat(Money.toUsd(Long.MAX_VALUE)).isEqualTo(new BigDecimal("9223372036.854775807"));
    }

    @Test
    void toUsdAndToNanosRoundTripExactly() {
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            long nanos = random.nextLong();
            assertThat(Money.toNanos(Money.toUsd(nanos))).isEqualTo(nanos);
        }
    }

    @Test
    void roundToCentsRoundsHalfUpAwayFromZero() {
        assertThat(Money.roundToCents(5_000_000L)).isEqualTo(10_000_000L);   // $0.005 -> $0.01
        assertThat(Money.roundToCents(4_999_999L)).isZero();                 // $0.004999999 -> $0.00
        assertThat(Money.roundToCents(15_000_000L)).isEqualTo(20_000_000L);  // $0.015 -> $0.02 (not banker's)
        assertThat(Money.roundToCents(25_000_000L)).isEqualTo(30_000_000L);  // $0.025 -> $0.03 (not banker's)
        assertThat(Money.roundToCents(-5_000_000L)).isEqualTo(-10_000_000L); // -$0.005 -> -$0.01
        assertThat(Money.roundToCents(-4_999_999L)).isZero();
        assertThat(Money.roundToCents(0L)).isZero();
    }

    @Test
    void roundToCentsKeepsWholeCentsUnchanged() {
        assertThat(Money.roundToCents(10_000_000L)).isEqualTo(10_000_000L);
        assertThat(Money.roundToCents(123_450_000_000L)).isEqualTo(123_450_000_000L);
        assertThat(Money.roundToCents(-70_000_000L)).isEqualTo(-70_000_000L);
    }

    @Test
    void roundToCentsAgreesWithBigDecimalHalfUpOnRandomAmounts() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            // up to +/- $1,000,000,000 (the largest plan amount), at nano precision
            long nanos = (long) ((random.nextDouble() * 2 - 1) * 1_000_000_000_000_000_000L);
            BigDecimal expected = Money.toUsd(nanos).setScale(2, RoundingMode.HALF_UP);
            assertThat(Money.toUsd(Money.roundToCents(nanos))).isEqualByComparingTo(expected);
        }
    }
}
