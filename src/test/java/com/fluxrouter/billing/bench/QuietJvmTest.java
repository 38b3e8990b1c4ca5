package com.fluxrouter.billing.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The wait for a quiet JVM before a timed run: bounded by its limit, skipped at zero, summed up in one line. */
class QuietJvmTest {

    @Test
    void aZeroLimitWaitsNotAtAll() throws InterruptedException {
        QuietJvm quiet = new QuietJvm(Duration.ZERO);

        assertThat(quiet.await()).isNull();
        assertThat(quiet.waits()).isEmpty();
    }

    @Test
    void aBusyJvmIsWaitedForUntilTheLimitAndTheWaitSaysSo() throws InterruptedException {
        AtomicBoolean spin = new AtomicBoolean(true);
        Thread busy = new Thread(() -> {
            long sink = 0;
            while (spin.get()) {
                sink += System.nanoTime() % 7;
            }
            if (sink == 42) {
                System.out.print("");
            }
        }, "quiet-jvm-test-busy");
        busy.start();
        try {
            QuietJvm quiet = new QuietJvm(Duration.ofSeconds(1));

            QuietJvm.Wait wait = quiet.await();

            assertThat(wait.atLimit()).isTrue();
            assertThat(wait.cores()).isGreaterThanOrEqualTo(QuietJvm.QUIET_CORES);
            assertThat(wait.millis()).isGreaterThanOrEqualTo(1_000);
            assertThat(quiet.waits()).containsExactly(wait);
        } finally {
            spin.set(false);
            busy.join();
        }
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
