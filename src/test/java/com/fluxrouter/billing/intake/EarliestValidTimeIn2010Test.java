package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.topology.Topics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Rates start in 2020; accepting older requests leaves them without a rate. */
class EarliestValidTimeIn2010Test extends PipelineTest {
    @Override
    protected BillingConfig config() {
        return super.config().with(BillingConfig.EARLIEST_VALID_TIME, "2010-01-01T00:00:00Z");
    }

    @Test
    void requestCompletedBeforeAnyRateVersionIsRejectedAsNoRate() {
        RoutedRequest before = request("acme", Lane.EXPRESS, 1_000, 0, "2026-11-10T10:00:00Z").build();
        RoutedRequest old = request("acme", Lane.EXPRESS, 1_000, 0, "2015-06-01T00:00:00Z").build();
        RoutedRequest after = request("acme", Lane.EXPRESS, 1_000, 0, "2026-11-10T10:00:02Z").build();
        send(before);
        send(old);
        send(after);

        assertThat(priced()).extracting(PricedRequest::getRequestId)
                .containsExactly(before.getRequestId(), after.getRequestId());
        RejectedRecord record = rejected().stream().reduce((a, b) -> {
            throw new AssertionError("more than one rejection");
        }).orElseThrow();
        RejectionBehaviourTest.assertFromTopic(record, Reason.NO_RATE, Topics.ROUTED, 1,
                serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, old));
    }

    @Test
    void requestCompletedBetween2010And2020IsNoLongerAnInvalidTimestamp() {
        send(request("acme", Lane.EXPRESS, 1_000, 0, "2019-12-31T23:59:59.999Z"));

        assertThat(rejected()).singleElement()
                .satisfies(r -> assertThat(r.getReason()).isEqualTo(Reason.NO_RATE.name()));
        assertThat(priced()).isEmpty();
    }
}
