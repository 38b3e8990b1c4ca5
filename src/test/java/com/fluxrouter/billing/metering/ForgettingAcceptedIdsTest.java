package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 3's storage side on the production topology: accepted ids are forgotten by the meter's walk of the id store
 * once their window (here one hour) has passed, never while a copy could still be a duplicate. The walk runs at every
 * {@value AcceptedIdSweep#REQUESTS_PER_WALK}th request and visits {@value AcceptedIdSweep#ENTRIES_PER_REQUEST}
 * entries per request.
 */
class ForgettingAcceptedIdsTest extends PipelineTest {
    private static final Instant T = Instant.parse("2026-10-10T00:00:00Z");
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final int WALK = AcceptedIdSweep.REQUESTS_PER_WALK;

    @Override
    protected BillingConfig config() {
        return super.config().with(BillingConfig.DEDUP_WINDOW, WINDOW.toString());
    }

    private RoutedRequest small(String requestId, Instant completedAt) {
        return request("acme", Lane.EXPRESS, 10, 10, completedAt.toString()).setRequestId(requestId).build();
    }

    /** The id store's content: request id to the billing clock of its acceptance. */
    private Map<String, Instant> remembered() {
        Map<String, Instant> ids = new HashMap<>();
        KeyValueStore<String, Long> store = driver.getKeyValueStore(MeteringFlow.REQUEST_IDS_STORE);
        try (KeyValueIterator<String, Long> all = store.all()) {
            all.forEachRemaining(entry -> {
                if (!entry.key.startsWith(AcceptedIdSweep.POSITION)) {
                    ids.put(entry.key.substring(entry.key.indexOf('\u001F') + 1), Instant.ofEpochMilli(entry.value));
                }
            });
        }
        return ids;
    }

    @Test
    void aWalkForgetsExactlyTheIdsAcceptedMoreThanTheWindowBeforeTheClockOfItsRequest() {
        // 400 requests 36 s apart (100 an hour): a walk's budget covers the whole store, so each walk forgets every id
        // accepted more than an hour before the clock of the request that ran it.
        Duration gap = Duration.ofSeconds(36);
        int requests = 400;
        for (int i = 0; i < requests; i++) {
            send(small("r" + i, T.plus(gap.multipliedBy(i))));
        }

        int lastWalk = requests / WALK * WALK;
        Instant walkClock = T.plus(gap.multipliedBy(lastWalk - 1));
        Map<String, Instant> expected = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            Instant accepted = T.plus(gap.multipliedBy(i));
            if (!accepted.isBefore(walkClock.minus(WINDOW))) {
                expected.put("r" + i, accepted);
            }
        }
        assertThat(remembered()).isEqualTo(expected);
        // The last walk ran at 03:49:48 and forgot those accepted before 02:49:48: r0 to r282.
        assertThat(expected).hasSize(requests - 283);
        assertThat(priced()).hasSize(requests);
    }

    @Test
    void anIdAcceptedAgainAfterItsWindowOutlivesTheWalksThatFollowAndItsCopiesStayDuplicates() {
        Duration gap = Duration.ofSeconds(30);
        send(small("again", T));
        int i = 1;
        // Past the first acceptance's window, with walks on the way.
        for (; i <= 2 * WALK; i++) {
            send(small("filler-" + i, T.plus(gap.multipliedBy(i))));
        }
        Instant secondAcceptance = T.plus(gap.multipliedBy(i));
        assertThat(secondAcceptance).isAfter(T.plus(WINDOW));
        send(small("again", secondAcceptance));
        // Walks within the second acceptance's window: the first acceptance is old, the second is not.
        for (int walks = 0; walks < 2 * WALK; walks++, i++) {
            send(small("filler-" + i, secondAcceptance.plusSeconds(1 + walks)));
        }
        Instant stillWithin = secondAcceptance.plus(WINDOW).minusSeconds(1);
        send(small("again", stillWithin));
        send(small("sentinel", stillWithin));

        assertThat(priced()).filteredOn(p -> p.getRequestId().equals("again"))
                .extracting(PricedRequest::getCompletedAt).containsExactly(T, secondAcceptance);
        assertThat(remembered()).containsEntry("again", secondAcceptance);
    }

    @Test
    void atASteadyRateTheStoreHoldsEveryIdWithinTheWindowAndAtMostAboutFourThirdsOfAWindowOfIds() {
        // 250 an hour for 12 hours: a window's ids (250) and their walk of 4 entries a request take several walks.
        Duration gap = Duration.ofSeconds(14, 400_000_000);
        int requests = 3_000;
        for (int i = 0; i < requests; i++) {
            send(small("r" + i, T.plus(gap.multipliedBy(i))));
        }

        Instant clock = T.plus(gap.multipliedBy(requests - 1));
        Map<String, Instant> remembered = remembered();
        for (int i = 0; i < requests; i++) {
            Instant accepted = T.plus(gap.multipliedBy(i));
            if (!accepted.isBefore(clock.minus(WINDOW))) {
                assertThat(remembered).as("r" + i + ", within the window").containsEntry("r" + i, accepted);
            }
        }
        // A cycle takes at most a third of a window, and a walk comes every 64 requests.
        assertThat(remembered.values()).as("no id kept 4/3 of a window and a walk").allSatisfy(accepted ->
                assertThat(accepted).isAfterOrEqualTo(clock.minus(WINDOW.multipliedBy(4).dividedBy(3))
                        .minus(gap.multipliedBy(WALK))));
        assertThat(remembered).hasSizeLessThanOrEqualTo(250 * 4 / 3 + WALK);
    }
}
