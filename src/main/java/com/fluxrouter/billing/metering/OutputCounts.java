package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.alerts.Alert;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Spend alerts fired (by alert) and overage updates emitted by this process, for the metrics endpoint. Counts only:
 * amounts stay on the output topics, where money is exact.
 */
public final class OutputCounts {
    private static final Map<Alert, LongAdder> ALERTS = new EnumMap<>(Alert.class);
    private static final LongAdder OVERAGE_UPDATES = new LongAdder();

    static {
        for (Alert alert : Alert.values()) {
            ALERTS.put(alert, new LongAdder());
        }
    }

    private OutputCounts() {
    }

    static void alertFired(Alert alert) {
        ALERTS.get(alert).increment();
    }

    static void overageUpdated() {
        OVERAGE_UPDATES.increment();
    }

    public static long alerts(Alert alert) {
        return ALERTS.get(alert).sum();
    }

    public static long overageUpdates() {
        return OVERAGE_UPDATES.sum();
    }
}
