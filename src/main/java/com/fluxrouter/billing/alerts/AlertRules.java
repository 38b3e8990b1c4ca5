package com.fluxrouter.billing.alerts;

import com.fluxrouter.billing.metering.PlanTerms;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/** Which usage thresholds of rule 9 a month's usage newly reaches. */
public final class AlertRules {
    private AlertRules() {
    }

    /** A reached threshold. */
    public record Crossing(Alert alert, long thresholdNanos) {
    }

    /**
     * Usage-threshold alerts not in {@code firedBits} whose threshold {@code usageNanos} has reached, lowest
     * threshold first (ties in declaration order), so that a consumer reading them in order sees them as usage would
     * have reached them. {@link Alert#FORECAST_CEILING} is never among them.
     *
     * @param firedBits  the month's fired set ({@link Alert#bit})
     * @param usageNanos the month's usage, nano-dollars
     * @param terms      the credit the CREDIT alerts follow (the month's billing credit) and the ceiling the CEILING
     *                   alerts follow (the control ceiling, rule 9); no ceiling: no CEILING alert
     */
    public static List<Crossing> newlyReached(int firedBits, long usageNanos, PlanTerms terms) {
        List<Crossing> crossings = new ArrayList<>(0);
        for (Alert alert : Alert.values()) {
            if (!alert.usageThreshold() || (firedBits & alert.bit()) != 0) {
                continue;
            }
            OptionalLong threshold = alert.thresholdNanos(terms);
            if (threshold.isPresent() && usageNanos >= threshold.getAsLong()) {
                crossings.add(new Crossing(alert, threshold.getAsLong()));
            }
        }
        crossings.sort(Comparator.comparingLong(Crossing::thresholdNanos));
        return crossings;
    }
}
