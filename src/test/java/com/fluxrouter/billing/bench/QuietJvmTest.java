package com.fluxrouter.billing.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The wait for a quiet JVM before a timed run: ended by a quiet window or its limit, skipped at zero, refused when
 * negative, summed up in one line. The process CPU time is the test's own clock, so a loaded machine does not decide.
 */
class QuietJvmTest {

    @Test
    void aZeroLimitWaitsNotAtAll() throws InterruptedException {
        QuietJvm quiet = new QuietJvm(Duration.ZERO);

        assertThat(quiet.await()).isNull();
        assertThat(quiet.waits()).isEmpty();
    }

    @Test
    void aNegativeLimitIsRefusedWithTheBenchOptions() {
        Bench.Options quick = Bench.Options.quick();

        assertThatThrownBy(() -> new Bench.Options(quick.repeat(), quick.ceilingRecords(), quick.streamsRecords(),
                quick.latency(), quick.warmup(), quick.latencyRate(), quick.replayRequests(), quick.scaleRequests(),
                quick.scaleAccounts(), quick.partitions(), quick.seed(), quick.trace(), quick.doc(), quick.workDir(),
                quick.command(), quick.settings(), Duration.ofSeconds(-1), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
    }

    /** A process busy on one core all the time: its CPU time runs with the wall clock. */
    @Test
    void aBusyJvmIsWaitedForUntilTheLimitAndTheWaitSaysSo() throws InterruptedException {
        QuietJvm quiet = new QuietJvm(Duration.ofSeconds(1), System::nanoTime);

        QuietJvm.Wait wait = quiet.await();

        assertThat(wait.atLimit()).isTrue();
        assertThat(wait.cores()).isGreaterThanOrEqualTo(QuietJvm.QUIET_CORES);
        assertThat(wait.millis()).isGreaterThanOrEqualTo(1_000);
        assertThat(quiet.waits()).containsExactly(wait);
    }

    /** Busy on one core for its first 1.2 s, then using no CPU: the first whole window after that ends the wait. */
    @Test
    void aJvmTurningQuietEndsTheWaitBeforeTheLimit() throws InterruptedException {
        long quietFrom = System.nanoTime() + Duration.ofMillis(1_200).toNanos();
        QuietJvm quiet = new QuietJvm(Duration.ofSeconds(10), () -> Math.min(System.nanoTime(), quietFrom));

        QuietJvm.Wait wait = quiet.await();

        assertThat(wait.atLimit()).isFalse();
        assertThat(wait.cores()).isLessThan(QuietJvm.QUIET_CORES);
        assertThat(wait.millis()).isGreaterThanOrEqualTo(1_200).isLessThan(10_000);
        assertThat(quiet.waits()).containsExactly(wait);
    }

    @Test
    void theSummaryGivesTheCountMedianLongestAndThoseAtTheLimit() {
        List<QuietJvm.Wait> waits = List.of(new QuietJvm.Wait(500, 0.1, false), new QuietJvm.Wait(10_300, 0.9, true),
                new QuietJvm.Wait(2_000, 0.2, false));

        assertThat(QuietJvm.summary(waits, Duration.ofSeconds(10))).isEqualTo("3 timed Streams runs waited for a quiet "
                + "JVM (under 0.25 cores for 500 ms): median 2,000 ms, longest 10,300 ms, 1 ended at the PT10S limit "
                + "still busy");
        assertThat(QuietJvm.summary(List.of(), Duration.ofSeconds(10)))
                .isEqualTo("no timed Streams run waited for a quiet JVM");
    }
}
