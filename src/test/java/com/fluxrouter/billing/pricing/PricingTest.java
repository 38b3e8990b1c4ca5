package com.fluxrouter.billing.pricing;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PricingTest {
    private static final long Y2020 = Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();
    private static final long NOV_15 = Instant.parse("2026-11-15T00:00:00Z").toEpochMilli();
    private static final long DEC_01 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

    private static BigDecimal usd(String amount) {
        return new BigDecimal(amount).setScale(9);
    }

    private static Rate rate(Lane lane, String input, String output, long effectiveFrom) {
        return new Rate(lane, RateRules.nanosPerToken(usd(input)), RateRules.nanosPerToken(usd(output)), effectiveFrom);
    }

    // ---- RateRules

    @Test
    void rateRulesAcceptWholeAndThreeDecimalRatesAtWireScaleNine() {
        assertThat(RateRules.problem("input", usd("1"))).isEmpty();
        assertThat(RateRules.problem("input", usd("0"))).isEmpty();
        assertThat(RateRules.problem("input", usd("0.001"))).isEmpty();
        assertThat(RateRules.problem("input", usd("999.999"))).isEmpty();
        assertThat(RateRules.problem("input", new BigDecimal("2.5"))).isEmpty();
    }

    @Test
    void rateRulesRejectMoreThanThreeDecimalPlaces() {
        assertThat(RateRules.problem("input_usd_per_million", usd("1.0005")))
                .hasValueSatisfying(p -> assertThat(p).contains("input_usd_per_million").contains("3 decimal"));
        assertThat(RateRules.problem("output", usd("0.000000001"))).isPresent();
        assertThat(RateRules.problem("output", new BigDecimal("0.0001"))).isPresent();
    }

    @Test
    void rateRulesRejectNegativeRates() {
        assertThat(RateRules.problem("input", usd("-0.001")))
                .hasValueSatisfying(p -> assertThat(p).contains("negative"));
        assertThat(RateRules.problem("input", usd("-1"))).isPresent();
    }

    @Test
    void rateRulesRejectRatesAboveOneMillionDollarsPerMillionTokens() {
        assertThat(RateRules.problem("input", usd("1000000"))).isEmpty();
        assertThat(RateRules.problem("input", usd("1000000.001")))
                .hasValueSatisfying(p -> assertThat(p).contains("exceeds"));
        assertThat(RateRules.problem("input", usd("99999999999"))).isPresent();
    }

    @Test
    void rateRulesRejectAMissingRate() {
        assertThat(RateRules.problem("input", null)).hasValueSatisfying(p -> assertThat(p).contains("missing"));
    }

    @Test
    void nanosPerTokenIsTheRatePerMillionTimesAThousand() {
        assertThat(RateRules.nanosPerToken(usd("1"))).isEqualTo(1_000L);
        assertThat(RateRules.nanosPerToken(usd("0.001"))).isEqualTo(1L);
        assertThat(RateRules.nanosPerToken(usd("999.999"))).isEqualTo(999_999L);
        assertThat(RateRules.nanosPerToken(usd("1000000"))).isEqualTo(1_000_000_000L);
    }

    // ---- Price

    @Test
    void pricesInputAndOutputTokensAtTheirOwnRates() {
        Price price = Price.of(3, 5, rate(Lane.EXPRESS, "1", "2", Y2020));
        assertThat(price.inputNanos()).isEqualTo(3_000L);
        assertThat(price.outputNanos()).isEqualTo(10_000L);
        assertThat(price.totalNanos()).isEqualTo(13_000L);
    }

    @Test
    void priceIsExactAtTenMillionTokensAndRate999Point999() {
        Price price = Price.of(10_000_000, 10_000_000, rate(Lane.DEEP_THOUGHT, "999.999", "999.999", Y2020));
        assertThat(Money.toUsd(price.inputNanos())).isEqualByComparingTo(usd("9999.99"));
        assertThat(Money.toUsd(price.outputNanos())).isEqualByComparingTo(usd("9999.99"));
        assertThat(Money.toUsd(price.totalNanos())).isEqualByComparingTo(usd("19999.98"));
    }

    @Test
    void priceIsExactAtTheSmallestRateAndOneToken() {
        Price price = Price.of(1, 7, rate(Lane.EXPRESS, "0.001", "0.003", Y2020));
        assertThat(Money.toUsd(price.inputNanos())).isEqualTo(usd("0.000000001"));
        assertThat(Money.toUsd(price.outputNanos())).isEqualTo(usd("0.000000021"));
    }

    @Test
    void priceAgreesWithBigDecimalArithmeticForOddRatesAndTokenCounts() {
        String[] rates = {"0.001", "0.37", "1.5", "12.345", "999.999", "1000000"};
        long[] tokens = {0, 1, 7, 999_999, 1_000_001, 3_333_333, 10_000_000};
        for (String r : rates) {
            for (long t : tokens) {
                Price price = Price.of(t, t, rate(Lane.EXPRESS, r, r, Y2020));
                BigDecimal expected = new BigDecimal(r).multiply(BigDecimal.valueOf(t))
                        .divide(BigDecimal.valueOf(1_000_000)).setScale(9);
                assertThat(Money.toUsd(price.inputNanos())).as("%s tokens at %s", t, r).isEqualTo(expected);
            }
        }
    }

    @Test
    void zeroTokensCostNothing() {
        assertThat(Price.of(0, 0, rate(Lane.DEEP_THOUGHT, "4", "4", Y2020)).totalNanos()).isZero();
    }

    @Test
    void priceOverflowThrowsInsteadOfWrapping() {
        assertThatThrownBy(() -> Price.of(Long.MAX_VALUE, 0, rate(Lane.EXPRESS, "1", "1", Y2020)))
                .isInstanceOf(ArithmeticException.class);
    }

    // ---- RateBook

    @Test
    void rateBookPicksTheLatestVersionNotAfterTheInstant() {
        Rate old = rate(Lane.EXPRESS, "1", "1", Y2020);
        Rate mid = rate(Lane.EXPRESS, "1.5", "3", NOV_15);
        Rate next = rate(Lane.EXPRESS, "2", "2", DEC_01);
        List<Rate> versions = List.of(next, old, mid); // order must not matter
        assertThat(RateBook.inForce(versions, Lane.EXPRESS, NOV_15 - 1)).contains(old);
        assertThat(RateBook.inForce(versions, Lane.EXPRESS, NOV_15)).contains(mid);
        assertThat(RateBook.inForce(versions, Lane.EXPRESS, DEC_01 - 1)).contains(mid);
        assertThat(RateBook.inForce(versions, Lane.EXPRESS, DEC_01)).contains(next);
        assertThat(RateBook.inForce(versions, Lane.EXPRESS, Long.MAX_VALUE)).contains(next);
    }

    @Test
    void rateBookFindsNothingBeforeTheFirstVersion() {
        List<Rate> versions = List.of(rate(Lane.EXPRESS, "1", "1", NOV_15));
        assertThat(RateBook.inForce(versions, Lane.EXPRESS, NOV_15 - 1)).isEmpty();
        assertThat(RateBook.inForce(List.of(), Lane.EXPRESS, NOV_15)).isEmpty();
    }

    @Test
    void rateBookIgnoresVersionsOfOtherLanes() {
        Rate express = rate(Lane.EXPRESS, "1", "1", Y2020);
        Rate deepLater = rate(Lane.DEEP_THOUGHT, "4", "4", NOV_15);
        List<Rate> versions = List.of(express, deepLater);
        assertThat(RateBook.inForce(versions, Lane.EXPRESS, DEC_01)).contains(express);
        assertThat(RateBook.inForce(versions, Lane.DAILY_DRIVER, DEC_01)).isEmpty();
        assertThat(RateBook.inForce(versions, Lane.DEEP_THOUGHT, NOV_15 - 1)).isEmpty();
    }

    @Test
    void laneParseAcceptsOnlyExactLaneNames() {
        assertThat(Lane.parse("EXPRESS")).contains(Lane.EXPRESS);
        assertThat(Lane.parse("DAILY_DRIVER")).contains(Lane.DAILY_DRIVER);
        assertThat(Lane.parse("express")).isEmpty();
        assertThat(Lane.parse("TURBO")).isEmpty();
        assertThat(Lane.parse(null)).isEmpty();
    }
}
