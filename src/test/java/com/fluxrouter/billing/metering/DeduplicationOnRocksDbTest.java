package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The service's own store kind: the window store's retention must behave as in memory. */
class DeduplicationOnRocksDbTest extends PipelineTest {
    private static final Instant T = Instant.parse("2026-10-10T00:00:00Z");

    private RoutedRequest small(String requestId, Instant completedAt) {
        return request("acme", Lane.EXPRESS, 10, 10, completedAt.toString()).setRequestId(requestId).build();
    }

    @Override
    protected BillingConfig config() {
        return super.config().with(BillingConfig.STATE_STORES, "rocksdb");
    }

    @Test
    void duplicateDaysLaterIsDropped() {
        RoutedRequest request = small("req-rocks", T);
        send(request);
        send(small("req-now", T.plus(Duration.ofDays(20))));
        sendKeyed("acme", request, T.plus(Duration.ofDays(20)).plusSeconds(1));

        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly("req-rocks", "req-now");
        assertThat(rejected()).isEmpty();
    }

    @Test
    void duplicateExactlyAtTheEdgeOfTheWindowIsNeverPricedTwice() {
        RoutedRequest request = small("req-edge", T);
        send(request);
        send(small("req-now", T.plus(Duration.ofDays(35))));
        sendKeyed("acme", request, T.plus(Duration.ofDays(35)).plusSeconds(1));

        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly("req-edge", "req-now");
        // exactly the window behind the clock is not more than it (rule 3): a dropped duplicate, no rejection
        assertThat(rejected()).isEmpty();
    }
}
