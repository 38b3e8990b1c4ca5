package com.fluxrouter.billing.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Waits before each timed Streams run until this JVM is quiet: what the earlier runs left running in it (the in-JVM
 * broker's log cleaner compacting their changelogs, RocksDB closing their stores, G1's concurrent cycle) would
 * otherwise be timed with the next run, as its CPU per record and rate. Quiet: the process used under
 * {@link #QUIET_CORES} cores over a {@link #WINDOW} window; the wait ends after its limit ({@code --quiet-limit},
 * 10 s) whatever the JVM does. Records every wait, so the bench can say what the runs waited.
 */
final class QuietJvm {
    static final double QUIET_CORES = 0.25;
    static final Duration WINDOW = Duration.ofMillis(500);

    private final Duration limit;
    private final LongSupplier cpuNanos;
    private final List<Wait> waits = new ArrayList<>();

    /** @param limit the longest wait; zero waits not at all */
    QuietJvm(Duration limit) {
        this(limit, StreamsRuns::processCpuNanos);
    }

    /**
     * @param limit    the longest wait; zero waits not at all
     * @param cpuNanos the process's CPU time so far, ns (a test's own clock)
     */
    QuietJvm(Duration limit, LongSupplier cpuNanos) {
        this.limit = limit;
        this.cpuNanos = cpuNanos;
    }

    /**
     * One wait: how long it took, and the cores the process used in its last window.
     *
     * @param millis  wall time waited, ms
     * @param cores   process CPU time over the last window's wall time
     * @param atLimit whether it ended at the limit, the JVM still busy
     */
    record Wait(long millis, double cores, boolean atLimit) {
    }

    /**
     * Waits until a window in which this JVM used under {@link #QUIET_CORES} cores, or the limit. A zero limit
     * returns at once and records nothing.
     *
     * @return the wait, or null when the limit is zero
     * @throws InterruptedException when interrupted while waiting
     */
    Wait await() throws InterruptedException {
        if (limit.isZero()) {
            return null;
        }
        long start = System.nanoTime();
        double cores;
        boolean atLimit;
        do {
            long cpuBefore = cpuNanos.getAsLong();
            long wallBefore = System.nanoTime();
            Thread.sleep(WINDOW.toMillis());
            cores = (double) (cpuNanos.getAsLong() - cpuBefore) / (System.nanoTime() - wallBefore);
            atLimit = System.nanoTime() - start >= limit.toNanos();
        } while (cores >= QUIET_CORES && !atLimit);
        Wait wait = new Wait(Duration.ofNanos(System.nanoTime() - start).toMillis(), cores, cores >= QUIET_CORES);
        waits.add(wait);
        return wait;
    }

    /**
     * @param waits the waits of a bench run
     * @param limit their limit
     * @return one line saying how many timed runs waited, the median and longest wait (ms) and how many ended at the
     *         limit
     */
    static String summary(List<Wait> waits, Duration limit) {
        long[] millis = waits.stream().mapToLong(Wait::millis).sorted().toArray();
        if (millis.length == 0) {
            return "no timed Streams run waited for a quiet JVM";
        }
        return String.format(Locale.ROOT, "%d timed Streams runs waited for a quiet JVM (under %.2f cores for %d ms): "
                        + "median %,d ms, longest %,d ms, %d ended at the %s limit still busy", millis.length, QUIET_CORES,
                WINDOW.toMillis(), millis[millis.length / 2], millis[millis.length - 1],
                waits.stream().filter(Wait::atLimit).count(), limit);
    }

    /** Every wait so far, in order. */
    List<Wait> waits() {
        return List.copyOf(waits);
    }
}
