package com.fluxrouter.billing.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** IsoInstants reads and writes exactly as Instant.parse and Instant.toString do. */
class IsoInstantsTest {
    @Test
    void writesWhatInstantWritesForRandomInstants() {
        Random random = new Random(14);
        for (int i = 0; i < 200_000; i++) {
            long seconds = random.nextLong() % 400_000_000_000L;
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            assertThat(IsoInstants.format(instant)).isEqualTo(instant.toString());
            assertThat(IsoInstants.parse(instant.toString())).isEqualTo(instant);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-09-01T00:00:00Z", "2026-09-01T00:00:00.5Z", "2026-09-01T00:00:00.123456789Z",
            "2026-09-01T00:00:00.0000Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2024-02-29T12:00:00Z",
            "2026-09-01t00:00:00z", "2026-09-01T00:00:00+02:00", "2026-09-01T24:00:00Z", "2026-09-01T24:30:00Z", "2016-12-31T23:59:60Z",
            "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2026-09-01T00:00:00.Z", "2026-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z", "2026-09-01T00:60:00Z", "2026-09-01T00:00:00.1234567890Z",
            "2026-09-01 00:00:00Z", "2026-09-01T00:00:00", "2026-9-01T00:00:00Z", "\uFF12026-09-01T00:00:00Z",
            "2026-09-01T00:00:0xZ", "2026-09-01T00:00:00.12a4Z", ""})
    void readsAndRefusesWhatInstantParseDoes(String text) {
        assertThat(outcome(() -> IsoInstants.parse(text))).isEqualTo(outcome(() -> Instant.parse(text)));
    }

    private static String outcome(java.util.function.Supplier<Instant> parse) {
        try {
            return "instant " + parse.get();
        } catch (RuntimeException refused) {
            return refused.getClass().getName() + ": " + refused.getMessage();
        }
    }
}
