package com.fluxrouter.billing.api;

import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lag rule of the status endpoint (flux.http.status-max-lag), on the metadata and lags Kafka Streams reports:
 * where an instance reads an account's spend status, in which order.
 */
class StatusRouteTest {
    private static final HostInfo SELF = new HostInfo("pod-0", 8080);
    private static final HostInfo OTHER = new HostInfo("pod-1", 8080);
    private static final HostInfo THIRD = new HostInfo("pod-2", 8080);
    private static final long MAX_LAG = 100;
    private static final StatusRoute.Here HERE = new StatusRoute.Here();

    private static StatusRoute.There there(HostInfo host) {
        return new StatusRoute.There(host.host() + ":" + host.port());
    }

    private static StatusRoute route(HostInfo active, Set<HostInfo> standbys, boolean running, OptionalLong lag) {
        return StatusRoute.of(new KeyQueryMetadata(active, standbys, 5), SELF, running, lag, MAX_LAG);
    }

    @Test
    void theActiveCopyOfARunningInstanceAnswersAloneWhateverItsLag() {
        StatusRoute route = route(SELF, Set.of(OTHER), true, OptionalLong.empty());
        assertThat(route.sources()).containsExactly(HERE);
        assertThat(route.partition()).isEqualTo(5);
        assertThat(route(SELF, Set.of(OTHER), true, OptionalLong.of(MAX_LAG + 1)).sources()).containsExactly(HERE);
    }

    @Test
    void runningWithTheActiveElsewhereTheOwnerComesFirstThenOtherStandbysThenTheLocalStandbyWithinTheLag() {
        assertThat(route(OTHER, Set.of(SELF, THIRD), true, OptionalLong.of(3)).sources())
                .containsExactly(there(OTHER), there(THIRD), HERE);
    }

    @Test
    void duringARebalanceTheLocalCopyWithinTheLagComesFirst() {
        assertThat(route(OTHER, Set.of(SELF, THIRD), false, OptionalLong.of(3)).sources())
                .containsExactly(HERE, there(OTHER), there(THIRD));
    }

    @Test
    void aLocalCopyAnswersAtExactlyTheMaximumLagAndNotOneOffsetBeyond() {
        assertThat(route(OTHER, Set.of(SELF), false, OptionalLong.of(MAX_LAG)).sources())
                .containsExactly(HERE, there(OTHER));
        assertThat(route(OTHER, Set.of(SELF), false, OptionalLong.of(MAX_LAG + 1)).sources())
                .containsExactly(there(OTHER));
        assertThat(route(OTHER, Set.of(SELF), true, OptionalLong.of(MAX_LAG + 1)).sources())
                .containsExactly(there(OTHER));
    }

    @Test
    void anActiveCopyStillRestoringHereIsAskedOnlyWithinTheLagAndOtherwiseTheStandbysAre() {
        assertThat(route(SELF, Set.of(OTHER), false, OptionalLong.of(20)).sources()).containsExactly(HERE, there(OTHER));
        assertThat(route(SELF, Set.of(OTHER), false, OptionalLong.of(5_000)).sources()).containsExactly(there(OTHER));
    }

    @Test
    void withoutAKnownOwnerTheStandbysAreAskedAndWithoutACopyHereNothingIsRead() {
        assertThat(route(HostInfo.unavailable(), Set.of(OTHER), false, OptionalLong.empty()).sources())
                .containsExactly(there(OTHER));
        assertThat(route(HostInfo.unavailable(), Set.of(), false, OptionalLong.empty()).sources()).isEmpty();
    }
}
