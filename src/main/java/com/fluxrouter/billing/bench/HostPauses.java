package com.fluxrouter.billing.bench;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Notices that the host stopped this JVM, by how far the wall clock ran ahead of the monotonic clock between two
 * readings. A paused virtual machine's monotonic clock ({@link System#nanoTime}) stands still while it is stopped,
 * and its wall clock ({@link System#currentTimeMillis}) is set forward on resume, so a run during which the machine
 * was paused shows a gap: the run of 2026-12-01T01:21Z had one of 25.7 s, and its produce-to-output latencies,
 * measured by the wall clock, took the whole pause (docs/performance.md, "Where the targets stand"). A wall clock
 * stepped back (by NTP) shows as a negative gap, one stepped forward as a pause. NTP's slewing does not move the two
 * apart: Linux slews {@code CLOCK_MONOTONIC}, which {@code nanoTime} reads, with the wall clock.
 *
 * <p>The wall clock is read between two readings of the monotonic clock, and again if those are more than
 * {@link #READ_SPREAD} apart: a thread stopped between the two clocks' readings (a GC pause, a descheduling on a
 * loaded machine) would otherwise show as a step back at one reading and as a pause of the same length at the next.
 *
 * <p>Not thread-safe: one reader.
 */
final class HostPauses {
    /** The smallest gap taken for a pause (or a step of the wall clock): well above slewing, well below a pause seen. */
    static final Duration THRESHOLD = Duration.ofMillis(200);
    /** The widest the monotonic clock may move across one reading of the wall clock for the reading to stand. */
    static final Duration READ_SPREAD = Duration.ofMillis(5);
    private static final int READ_ATTEMPTS = 5;

    private final LongSupplier wallMillis;
    private final LongSupplier monotonicNanos;
    private long lastWallMillis;
    private long lastMonotonicNanos;

    HostPauses() {
        this(System::currentTimeMillis, System::nanoTime);
    }

    /**
     * @param wallMillis     the wall clock, epoch millis
     * @param monotonicNanos the monotonic clock, nanoseconds from an arbitrary origin
     */
    HostPauses(LongSupplier wallMillis, LongSupplier monotonicNanos) {
        this.wallMillis = wallMillis;
        this.monotonicNanos = monotonicNanos;
        read();
    }

    /**
     * Reads both clocks into {@code lastWallMillis} and {@code lastMonotonicNanos}: the wall clock between two readings
     * of the monotonic clock, whose midpoint is taken, retried while those are more than {@link #READ_SPREAD} apart
     * (the last attempt stands whatever its spread).
     */
    private void read() {
        for (int attempt = 1; ; attempt++) {
            long before = monotonicNanos.getAsLong();
            long wall = wallMillis.getAsLong();
            long after = monotonicNanos.getAsLong();
            if (after - before <= READ_SPREAD.toNanos() || attempt == READ_ATTEMPTS) {
                lastWallMillis = wall;
                lastMonotonicNanos = before + (after - before) / 2;
                return;
            }
        }
    }

    /**
     * How far, in milliseconds, the wall clock ran ahead of the monotonic clock since the previous call (or since
     * this was made): positive after a pause of the host, negative after the wall clock was stepped back, near zero
     * otherwise. Each call starts the next interval.
     */
    long sinceLast() {
        long previousWall = lastWallMillis;
        long previousMonotonic = lastMonotonicNanos;
        read();
        return (lastWallMillis - previousWall) - Math.floorDiv(lastMonotonicNanos - previousMonotonic, 1_000_000L);
    }

    /** Whether a gap {@link #sinceLast} returned is a pause (or a step of the wall clock), not the clocks' drift. */
    static boolean isPause(long gapMillis) {
        return Math.abs(gapMillis) >= THRESHOLD.toMillis();
    }
}
