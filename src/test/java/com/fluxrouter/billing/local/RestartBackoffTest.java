package com.fluxrouter.billing.local;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RestartBackoffTest {
    private final AtomicLong now = new AtomicLong();
    private final RestartBackoff backoff = new RestartBackoff(now::get);

    @Test
    void aOneOffFailureIsReplacedAtOnce() {
        assertThat(RestartBackoff.waitAfter(backoff.failed())).isZero();
    }

    @Test
    void failuresInARowWaitLongerEachTimeUpToTheCap() {
        Duration[] waits = new Duration[10];
        for (int i = 0; i < waits.length; i++) {
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            waits[i] = RestartBackoff.waitAfter(backoff.failed());
        }
        assertThat(waits).containsExactly(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(32),
                RestartBackoff.MAX_WAIT, RestartBackoff.MAX_WAIT, RestartBackoff.MAX_WAIT);
        assertThat(RestartBackoff.waitAfter(Integer.MAX_VALUE)).isEqualTo(RestartBackoff.MAX_WAIT);
    }

    @Test
    void aThreadThatLivedThroughTheQuietPeriodStartsTheCountAgain() {
        backoff.failed();
        backoff.failed();
        assertThat(backoff.failed()).isEqualTo(3);

        now.addAndGet(RestartBackoff.QUIET.plusSeconds(1).toNanos());

        assertThat(backoff.failed()).isEqualTo(1);
    }
}
