package com.fluxrouter.billing.bench;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Notices that the host stopped this JVM, by how far the wall clock ran ahead of the monotonic clock between two
 * readings. A paused virtual machine's monotonic clock ({@link System#nanoTime}) stands still while it is stopped,
 * and its wall clock ({@link System#currentTimeMillis}) is set forward on resume, so a run during which the machine
 * was paused shows a gap: the run of 2026-12-01T01:21Z had one of 25.7 s, and its produce-to-output latencies,
 * measured by the wall clock, took the whole pause (docs/performance.md, "Where the targets stand"). A wall clock
 * stepped back (by NTP) shows as a negative gap. Slewing moves the two clocks apart by at most some hundred
 * microseconds a second, far below {@link #THRESHOLD} over one bench run.
 *
 * <p>Not thread-safe: one reader.
 */
final class HostPauses {
    /** The smallest gap taken for a pause (or a step of the wall clock): well above slewing, well below a pause seen. */
    static final Duration THRESHOLD = Duration.ofMillis(200);

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
        this.lastWallMillis = wallMillis.getAsLong();
        this.lastMonotonicNanos = monotonicNanos.getAsLong();
    }

    /**
     * How far, in milliseconds, the wall clock ran ahead of the monotonic clock since the previous call (or since
     * this was made): positive after a pause of the host, negative after the wall clock was stepped back, near zero
     * otherwise. Each call starts the next interval.
     */
    long sinceLast() {
        long wall = wallMillis.getAsLong();
        long monotonic = monotonicNanos.getAsLong();
        long gap = (wall - lastWallMillis) - Math.floorDiv(monotonic - lastMonotonicNanos, 1_000_000L);
        lastWallMillis = wall;
        lastMonotonicNanos = monotonic;
        return gap;
    }

    /** Whether a gap {@link #sinceLast} returned is a pause (or a step of the wall clock), not the clocks' drift. */
    static boolean isPause(long gapMillis) {
        return Math.abs(gapMillis) >= THRESHOLD.toMillis();
    }
}
