package com.fluxrouter.billing.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ProducedAtExtractorTest {
    private static final long WALL = Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();
    private final ProducedAtExtractor extractor = new ProducedAtExtractor(() -> WALL);

    private static ConsumerRecord<Object, Object> stamped(long timestamp) {
        return new ConsumerRecord<>("flux.requests.routed", 0, 7L, timestamp, TimestampType.CREATE_TIME, 0, 0,
                null, null, new RecordHeaders(), Optional.empty());
    }

    @Test
    void aProducerTimestampIn2099IsCappedAtTheWallClock() {
        long in2099 = Instant.parse("2099-01-01T00:00:00Z").toEpochMilli();
        assertThat(extractor.extract(stamped(in2099), WALL - 1_000)).isEqualTo(WALL);
    }

    @Test
    void aTimestampOneMillisecondAheadOfTheWallClockIsCapped() {
        assertThat(extractor.extract(stamped(WALL + 1), 0)).isEqualTo(WALL);
    }

    @Test
    void aPastTimestampIsKeptAsItIsSoReprocessingDecidesTheSame() {
        long earlier = Instant.parse("2026-10-03T08:15:00Z").toEpochMilli();
        assertThat(extractor.extract(stamped(earlier), WALL)).isEqualTo(earlier);
        assertThat(extractor.extract(stamped(WALL), 0)).isEqualTo(WALL);
    }

    @Test
    void aRecordWithoutATimestampTakesItsPartitionsTime() {
        long partitionTime = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
        assertThat(extractor.extract(stamped(-1), partitionTime)).isEqualTo(partitionTime);
        assertThat(extractor.extract(stamped(-1), -1)).isZero();
    }

    @Test
    void theTestDriversExtractorTakesTheTimestampAsPiped() {
        long in2099 = Instant.parse("2099-01-01T00:00:00Z").toEpochMilli();
        assertThat(new ProducedAtExtractor.AsProduced().extract(stamped(in2099), 0)).isEqualTo(in2099);
    }

    @Test
    void theLiveSettingsCapAndTheTestDriversDoNot() {
        assertThat(StreamsSettings.required().get("default.timestamp.extractor")).isEqualTo(ProducedAtExtractor.class);
        assertThat(StreamsSettings.forTestDriver().get("default.timestamp.extractor"))
                .isEqualTo(ProducedAtExtractor.AsProduced.class);
    }
}
