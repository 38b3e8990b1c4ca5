package com.fluxrouter.billing.metering;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test access to the metering fault seam ({@link MeterTransition#faultPoint}), also for tests outside this package
 * (the broker ITs). Installing one replaces the seam for the whole JVM until {@link #close}; surefire and failsafe
 * run test classes one at a time.
 */
public final class FaultInjection implements AutoCloseable {
    private final FaultPoint.Step step;
    private final int firstFailing;
    private final int failures;
    private final AtomicInteger reached = new AtomicInteger();
    private final AtomicInteger fired = new AtomicInteger();

    private FaultInjection(FaultPoint.Step step, int firstFailing, int failures) {
        this.step = step;
        this.firstFailing = firstFailing;
        this.failures = failures;
        MeterTransition.faultPoint = this::reached;
    }

    /** Every time the step is reached it throws an IllegalStateException naming it. */
    static FaultInjection always(FaultPoint.Step step) {
        return new FaultInjection(step, 1, Integer.MAX_VALUE);
    }

    /**
     * Throws once, the {@code occurrence}-th time (1 for the first) the named step ({@code FaultPoint.Step}, e.g.
     * "FORWARD") is reached, and never again.
     */
    public static FaultInjection once(String step, int occurrence) {
        return new FaultInjection(FaultPoint.Step.valueOf(step), occurrence, 1);
    }

    private void reached(FaultPoint.Step at) {
        if (at != step) {
            return;
        }
        int count = reached.incrementAndGet();
        if (count >= firstFailing && fired.get() < failures) {
            fired.incrementAndGet();
            throw new IllegalStateException("injected fault at " + at);
        }
    }

    /** How many times the fault was thrown. */
    public int fired() {
        return fired.get();
    }

    @Override
    public void close() {
        MeterTransition.faultPoint = FaultPoint.NONE;
    }
}
