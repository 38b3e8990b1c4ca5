package com.fluxrouter.billing.alerts;

import com.fluxrouter.billing.metering.PlanTerms;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static com.fluxrouter.billing.alerts.Alert.CEILING_100;
import static com.fluxrouter.billing.alerts.Alert.CEILING_90;
import static com.fluxrouter.billing.alerts.Alert.CREDIT_100;
import static com.fluxrouter.billing.alerts.Alert.CREDIT_50;
import static com.fluxrouter.billing.alerts.Alert.CREDIT_80;
import static org.assertj.core.api.Assertions.assertThat;

/** Rule 9: CREDIT_50/80/100 of the credit (only when credit > 0), CEILING_90/100 of the ceiling (only with one). */
class AlertRulesTest {

    private static long nanos(String usd) {
        return new BigDecimal(usd).movePointRight(9).longValueExact();
    }

    private static PlanTerms terms(String credit, String ceiling) {
        return new PlanTerms(nanos(credit), ceiling == null ? PlanTerms.NO_CEILING : nanos(ceiling));
    }

    private static List<Alert> reached(int fired, String usage, PlanTerms terms) {
        return AlertRules.newlyReached(fired, nanos(usage), terms).stream().map(AlertRules.Crossing::alert).toList();
    }

    private static int bits(Alert... alerts) {
        int bits = 0;
        for (Alert alert : alerts) {
            bits |= alert.bit();
        }
        return bits;
    }

    @Test
    void theForecastAlertIsNeverAUsageThresholdAndTakesTheNextBit() {
        // Usage far past every threshold of a $10 credit and $50 ceiling: the five usage alerts, not the forecast.
        assertThat(reached(0, "1000", terms("10", "50")))
                .containsExactly(CREDIT_50, CREDIT_80, CREDIT_100, CEILING_90, CEILING_100);
        assertThat(Alert.FORECAST_CEILING.bit()).isEqualTo(CEILING_100.bit() << 1);
        assertThat(Alert.FORECAST_CEILING.usageThreshold()).isFalse();
        assertThat(Alert.FORECAST_CEILING.thresholdNanos(terms("10", "50"))).hasValue(nanos("50"));
    }

    @Test
    void thresholdsArePercentagesOfCreditAndCeiling() {
        PlanTerms terms = terms("10", "50");
        assertThat(CREDIT_50.thresholdNanos(terms)).hasValue(nanos("5"));
        assertThat(CREDIT_80.thresholdNanos(terms)).hasValue(nanos("8"));
        assertThat(CREDIT_100.thresholdNanos(terms)).hasValue(nanos("10"));
        assertThat(CEILING_90.thresholdNanos(terms)).hasValue(nanos("45"));
        assertThat(CEILING_100.thresholdNanos(terms)).hasValue(nanos("50"));
    }

    @Test
    void thresholdsRoundUpToTheNanoDollar() {
        PlanTerms terms = new PlanTerms(3, 7);
        assertThat(CREDIT_50.thresholdNanos(terms)).hasValue(2);   // 1.5
        assertThat(CREDIT_80.thresholdNanos(terms)).hasValue(3);   // 2.4
        assertThat(CREDIT_100.thresholdNanos(terms)).hasValue(3);
        assertThat(CEILING_90.thresholdNanos(terms)).hasValue(7);  // 6.3
        assertThat(CEILING_100.thresholdNanos(terms)).hasValue(7);
    }

    @Test
    void thresholdsOfHugeAmountsDoNotOverflow() {
        long billion = nanos("1000000000");
        PlanTerms terms = new PlanTerms(billion, Long.MAX_VALUE - 1);
        assertThat(CREDIT_80.thresholdNanos(terms)).hasValue(billion / 10 * 8);
        assertThat(CEILING_100.thresholdNanos(terms)).hasValue(Long.MAX_VALUE - 1);
        assertThat(CEILING_90.thresholdNanos(terms))
                .hasValue(BigDecimal.valueOf(Long.MAX_VALUE - 1).multiply(BigDecimal.valueOf(9))
                        .divide(BigDecimal.TEN, 0, java.math.RoundingMode.CEILING).longValueExact());
    }

    @Test
    void noCreditAlertsWhenCreditIsZero() {
        PlanTerms terms = terms("0", "10");
        assertThat(CREDIT_50.thresholdNanos(terms)).isEmpty();
        assertThat(CREDIT_100.thresholdNanos(terms)).isEmpty();
        assertThat(reached(0, "0", terms)).isEmpty();
        assertThat(reached(0, "1000", terms)).containsExactly(CEILING_90, CEILING_100);
    }

    @Test
    void noCeilingAlertsWithoutCeiling() {
        PlanTerms terms = terms("10", null);
        assertThat(CEILING_90.thresholdNanos(terms)).isEmpty();
        assertThat(reached(0, "1000000", terms)).containsExactly(CREDIT_50, CREDIT_80, CREDIT_100);
    }

    @Test
    void payAsYouGoNeverAlerts() {
        assertThat(reached(0, "1000000", PlanTerms.PAY_AS_YOU_GO)).isEmpty();
    }

    @Test
    void alertFiresWhenUsageReachesItsThresholdExactlyAndNotOneNanoBefore() {
        PlanTerms terms = terms("10", "50");
        assertThat(reached(0, "4.999999999", terms)).isEmpty();
        assertThat(reached(0, "5", terms)).containsExactly(CREDIT_50);
        List<AlertRules.Crossing> crossings = AlertRules.newlyReached(0, nanos("5"), terms);
        assertThat(crossings.get(0).thresholdNanos()).isEqualTo(nanos("5"));
    }

    @Test
    void alreadyFiredAlertsAreNotReachedAgain() {
        PlanTerms terms = terms("10", "50");
        assertThat(reached(bits(CREDIT_50), "9", terms)).containsExactly(CREDIT_80);
        assertThat(reached(bits(CREDIT_50, CREDIT_80, CREDIT_100, CEILING_90, CEILING_100), "1000", terms)).isEmpty();
    }

    @Test
    void oneJumpReachesEveryThresholdItCrossesLowestThresholdFirst() {
        assertThat(reached(0, "49", terms("10", "50")))
                .containsExactly(CREDIT_50, CREDIT_80, CREDIT_100, CEILING_90);
        // docs/billing-rules.md rule 9: lowest threshold first, so on a Free plan CEILING_90 (4.50) comes before
        // CREDIT_100 (5.00); equal thresholds keep the declared order (CREDIT_100 before CEILING_100).
        List<AlertRules.Crossing> free = AlertRules.newlyReached(0, nanos("5"), terms("5", "5"));
        assertThat(free).extracting(AlertRules.Crossing::alert)
                .containsExactly(CREDIT_50, CREDIT_80, CEILING_90, CREDIT_100, CEILING_100);
        assertThat(free).extracting(AlertRules.Crossing::thresholdNanos)
                .containsExactly(nanos("2.5"), nanos("4"), nanos("4.5"), nanos("5"), nanos("5"));
    }

    @Test
    void zeroCeilingFiresBothCeilingAlertsOnTheFirstRequest() {
        assertThat(reached(0, "0", terms("0", "0"))).containsExactly(CEILING_90, CEILING_100);
    }

    @Test
    void bitsAreDistinct() {
        assertThat(bits(Alert.values())).isEqualTo(0b111111);
    }
}
