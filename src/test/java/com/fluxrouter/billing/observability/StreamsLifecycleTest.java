package com.fluxrouter.billing.observability;

import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The state listener's verdict on a stop; on a real broker, a dying client: FailuresThatShowIT. */
class StreamsLifecycleTest {
    private final AtomicInteger closes = new AtomicInteger();
    private final StreamsLifecycle lifecycle = new StreamsLifecycle(Set::of);

    private void walk(State... states) {
        for (int i = 1; i < states.length; i++) {
            lifecycle.onChange(states[i], states[i - 1]);
        }
    }

    @Test
    void aClientThatFailsIntoErrorStoppedOnItsOwnAndRunExitsOne() throws Exception {
        walk(State.CREATED, State.REBALANCING, State.RUNNING, State.PENDING_ERROR, State.ERROR);
        assertThat(lifecycle.stoppedOnItsOwn()).isTrue();
        assertThat(lifecycle.awaitExitStatus(closes::incrementAndGet)).isEqualTo(1);
        assertThat(closes).as("the instance is closed before run exits").hasValue(1);
    }

    @Test
    void aClientThatShutsDownWithoutBeingClosedStoppedOnItsOwn() throws Exception {
        walk(State.CREATED, State.REBALANCING, State.RUNNING, State.PENDING_SHUTDOWN, State.NOT_RUNNING);
        assertThat(lifecycle.awaitExitStatus(closes::incrementAndGet)).isEqualTo(1);
    }

    @Test
    void aClosedClientExitsZeroWithoutBeingClosedAgain() throws Exception {
        walk(State.CREATED, State.REBALANCING, State.RUNNING);
        assertThat(lifecycle.awaitStop(Duration.ZERO)).as("still running").isFalse();
        lifecycle.closing();
        walk(State.RUNNING, State.PENDING_SHUTDOWN, State.NOT_RUNNING);
        assertThat(lifecycle.stoppedOnItsOwn()).isFalse();
        assertThat(lifecycle.awaitExitStatus(closes::incrementAndGet)).isEqualTo(0);
        assertThat(closes).hasValue(0);
    }

    @Test
    void everyStateChangeIsLoggedAtInfoAndAStopOnItsOwnAtError() {
        try (CapturedLog log = new CapturedLog(StreamsLifecycle.class)) {
            walk(State.CREATED, State.REBALANCING, State.RUNNING, State.PENDING_ERROR, State.ERROR);
            assertThat(log.lines()).containsExactly(
                    new CapturedLog.Line(Level.INFO, "Kafka Streams state CREATED -> REBALANCING", null),
                    new CapturedLog.Line(Level.INFO, "Kafka Streams state REBALANCING -> RUNNING", null),
                    new CapturedLog.Line(Level.INFO, "Kafka Streams state RUNNING -> PENDING_ERROR", null),
                    new CapturedLog.Line(Level.ERROR,
                            "Kafka Streams state PENDING_ERROR -> ERROR: the pipeline stopped on its own", null));
        }
    }

    @Test
    void rebalancingIsNotAStop() {
        walk(State.CREATED, State.REBALANCING, State.RUNNING, State.REBALANCING, State.RUNNING);
        assertThat(lifecycle.stoppedOnItsOwn()).isFalse();
    }
}
