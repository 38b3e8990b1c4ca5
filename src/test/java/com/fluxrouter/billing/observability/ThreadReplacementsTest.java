package com.fluxrouter.billing.observability;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThreadReplacementsTest {
    private static final Duration WINDOW = Duration.ofMinutes(10);
    private final AtomicLong now = new AtomicLong(123_456_789L);
    private final ThreadReplacements replacements = new ThreadReplacements(5, WINDOW, now::get);

    private void replacedAfter(Duration elapsed) {
        now.addAndGet(elapsed.toNanos());
        replacements.replaced();
    }

    @Test
    void upToTheMaximumWithinTheWindowIsStillHealthy() {
        for (int i = 0; i < 5; i++) {
            replacedAfter(Duration.ofMinutes(1));
        }
        assertThat(replacements.withinWindow()).isEqualTo(5);
        assertThat(replacements.tooMany()).isFalse();
    }

    @Test
    void oneMoreThanTheMaximumWithinTheWindowIsACrashLoop() {
        for (int i = 0; i < 6; i++) {
            replacedAfter(Duration.ofSeconds(30));
        }
        assertThat(replacements.tooMany()).isTrue();
    }

    @Test
    void replacementsSpreadWiderThanTheWindowNeverAddUp() {
        // Six replacements, each 2 minutes after the last: the first has left the 10-minute window when the sixth comes.
        for (int i = 0; i < 6; i++) {
            replacedAfter(Duration.ofMinutes(2));
        }
        assertThat(replacements.withinWindow()).isEqualTo(5);
        assertThat(replacements.tooMany()).isFalse();
    }

    @Test
    void healthyAgainOnceTheReplacementsAgeOutOfTheWindow() {
        for (int i = 0; i < 6; i++) {
            replacedAfter(Duration.ofSeconds(1));
        }
        assertThat(replacements.tooMany()).isTrue();
        // The first of the six was 5 s before the last: it leaves the window 10 min after it happened.
        now.addAndGet(WINDOW.minusSeconds(5).minusNanos(1).toNanos());
        assertThat(replacements.tooMany()).as("just before the first leaves the window").isTrue();
        now.addAndGet(1);
        assertThat(replacements.tooMany()).as("the first has left the window").isFalse();
        assertThat(replacements.withinWindow()).isEqualTo(5);
    }

    @Test
    void aMaximumOfZeroMakesAnyReplacementUnhealthy() {
        ThreadReplacements strict = new ThreadReplacements(0, WINDOW, now::get);
        assertThat(strict.tooMany()).isFalse();
        strict.replaced();
        assertThat(strict.tooMany()).isTrue();
    }

    @Test
    void refusesANegativeMaximumAndAnEmptyWindow() {
        assertThatThrownBy(() -> new ThreadReplacements(-1, WINDOW, now::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ThreadReplacements(5, Duration.ZERO, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
