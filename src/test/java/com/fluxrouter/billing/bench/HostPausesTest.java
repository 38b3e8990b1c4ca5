package com.fluxrouter.billing.bench;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class HostPausesTest {
    private final AtomicLong wall = new AtomicLong(1_764_552_000_000L);
    private final AtomicLong monotonic = new AtomicLong(987_654_321L);
    private final HostPauses pauses = new HostPauses(wall::get, monotonic::get);

    private void run(long millis) {
        wall.addAndGet(millis);
        monotonic.addAndGet(millis * 1_000_000L);
    }

    @Test
    void clocksThatAdvanceTogetherShowNoGap() {
        run(5_000);

        assertThat(pauses.sinceLast()).isZero();
    }

    @Test
    void aPauseIsTheTimeTheWallClockGainedOverTheMonotonicOne() {
        run(3_000);
        wall.addAndGet(25_700); // the guest stopped: its monotonic clock stood still, its wall clock was set forward
        run(2_000);

        assertThat(pauses.sinceLast()).isEqualTo(25_700);
        assertThat(HostPauses.isPause(25_700)).isTrue();
    }

    @Test
    void eachReadingStartsTheNextInterval() {
        wall.addAndGet(2_400);
        assertThat(pauses.sinceLast()).isEqualTo(2_400);

        run(4_000);

        assertThat(pauses.sinceLast()).isZero();
    }

    @Test
    void aWallClockSteppedBackIsANegativeGap() {
        run(1_000);
        wall.addAndGet(-600);

        assertThat(pauses.sinceLast()).isEqualTo(-600);
        assertThat(HostPauses.isPause(-600)).isTrue();
    }

    @Test
    void driftBelowTheThresholdIsNotAPause() {
        // Rounding of the two clocks, or a clock slewed alone (Linux slews the monotonic clock with the wall clock).
        monotonic.addAndGet(60_000_000_000L);
        wall.addAndGet(60_030);

        long gap = pauses.sinceLast();

        assertThat(gap).isEqualTo(30);
        assertThat(HostPauses.isPause(gap)).isFalse();
        assertThat(HostPauses.isPause(199)).isFalse();
        assertThat(HostPauses.isPause(200)).isTrue();
    }

    @Test
    void aThreadStoppedBetweenTheTwoClocksReadingsIsNeitherAStepBackNorAPause() {
        AtomicLong stall = new AtomicLong();
        // After a reading of the wall clock a stall may pass (a GC pause, a descheduling), both clocks moving on,
        // before the thread reads the monotonic clock: read alone, that is the wall clock 300 ms behind.
        HostPauses stalled = new HostPauses(() -> {
            long now = wall.get();
            run(stall.getAndSet(0));
            return now;
        }, monotonic::get);
        run(1_000);
        stall.set(300);

        long first = stalled.sinceLast();
        run(1_000);
        long second = stalled.sinceLast();

        assertThat(first).isBetween(-1L, 1L);
        assertThat(second).isBetween(-1L, 1L);
    }

    @Test
    void aPauseBetweenTheTwoClocksReadingsIsStillCaught() {
        AtomicLong pauseAfterNextRead = new AtomicLong();
        HostPauses paused = new HostPauses(wall::get, () -> {
            long now = monotonic.get();
            wall.addAndGet(pauseAfterNextRead.getAndSet(0)); // only the wall clock moves: the guest was stopped
            return now;
        });
        run(1_000);
        pauseAfterNextRead.set(2_400);

        assertThat(paused.sinceLast()).isEqualTo(2_400);
    }
}
