package com.fluxrouter.billing.local;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How long to wait before replacing a failed stream thread. A one-off failure is replaced at once; failures in a row
 * (a schema registry that stays down fails every replacement on its first record) wait 1 s, 2 s, 4 s ... up to a
 * cap, so the pipeline does not spin through threads and stack traces. A thread that lived longer than the quiet
 * period starts the count again.
 */
final class RestartBackoff {
    static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    static final Duration QUIET = Duration.ofMinutes(5);

    private final LongSupplier nanoClock;
    private int failuresInARow;
    private long lastFailure;

    RestartBackoff(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Records a failure; returns how many in a row it makes (1 for the first after a quiet period). */
    synchronized int failed() {
        long now = nanoClock.getAsLong();
        if (failuresInARow > 0 && now - lastFailure > QUIET.toNanos()) {
            failuresInARow = 0;
        }
        lastFailure = now;
        return ++failuresInARow;
    }

    /** The wait before replacing the thread after the {@code failures}-th failure in a row. */
    static Duration waitAfter(int failures) {
        if (failures <= 1) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - 2, 30);
        Duration wait = FIRST_WAIT.multipliedBy(1L << doublings);
        return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    }
}
