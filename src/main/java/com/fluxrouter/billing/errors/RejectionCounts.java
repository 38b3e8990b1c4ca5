package com.fluxrouter.billing.errors;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Records rejected by this process, by reason, for the metrics endpoint. */
public final class RejectionCounts {
    private static final Map<Reason, LongAdder> COUNTS = new EnumMap<>(Reason.class);

    static {
        for (Reason reason : Reason.values()) {
            COUNTS.put(reason, new LongAdder());
        }
    }

    private RejectionCounts() {
    }

    static void count(Reason reason) {
        COUNTS.get(reason).increment();
    }

    public static long of(Reason reason) {
        return COUNTS.get(reason).sum();
    }
}
