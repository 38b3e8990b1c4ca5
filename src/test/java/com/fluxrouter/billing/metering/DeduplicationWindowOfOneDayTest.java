package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** A window of one day instead of the default 35. */
class DeduplicationWindowOfOneDayTest extends PipelineTest {
    private static final Instant T = Instant.parse("2026-10-10T00:00:00Z");

    private RoutedRequest small(String requestId, Instant completedAt) {
        return request("acme", Lane.EXPRESS, 10, 10, completedAt.toString()).setRequestId(requestId).build();
    }

    @Override
    protected BillingConfig config() {
        return super.config().with(BillingConfig.DEDUP_WINDOW, "P1D");
    }

    @Test
    void duplicateWithinTheDayIsDropped() {
        RoutedRequest request = small("req-1d", T);
        send(request);
        send(small("req-later", T.plus(Duration.ofHours(23))));
        sendKeyed("acme", request, T.plus(Duration.ofHours(23)).plusSeconds(1));

        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly("req-1d", "req-later");
        assertThat(rejected()).isEmpty();
    }

    @Test
    void duplicateMoreThanADayBehindTheClockIsRejectedTooLateAndNeverPricedTwice() {
        RoutedRequest request = small("req-1d", T);
        send(request);
        send(small("req-later", T.plus(Duration.ofDays(2))));
        sendKeyed("acme", request, T.plus(Duration.ofDays(2)).plusSeconds(1));

        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly("req-1d", "req-later");
        assertThat(rejected()).singleElement()
                .satisfies(r -> assertThat(r.getReason()).isEqualTo(Reason.TOO_LATE.name()));
    }

    @Test
    void newRequestMoreThanADayBehindTheClockIsRejectedTooLate() {
        send(small("req-now", T.plus(Duration.ofDays(2))));
        send(small("req-old", T));

        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly("req-now");
        assertThat(rejected()).singleElement()
                .satisfies(r -> assertThat(r.getReason()).isEqualTo(Reason.TOO_LATE.name()));
    }

    @Test
    void aCopyAcceptedAgainAfterTheDayIsRememberedForADayFromItsOwnAcceptance() {
        Instant first = Instant.parse("2026-10-10T00:30:00Z");
        Instant dayPassed = first.plus(Duration.ofDays(1)).plusMillis(1);
        // Where each id has a FORGET_ID deadline (DeduplicationWindowOfOneDayByDeadlineTest), the first acceptance's
        // falls due at the hour after it plus the day, 2026-10-11T01:00Z, and must not forget the second acceptance.
        Instant firstForgotten = Instant.parse("2026-10-11T01:00:00Z");
        send(small("req-again", first));
        send(small("req-clock", dayPassed));
        send(small("req-again", dayPassed));
        send(small("req-clock-2", firstForgotten));
        send(small("req-again", firstForgotten));

        assertThat(priced()).extracting(PricedRequest::getRequestId, PricedRequest::getCompletedAt).containsExactly(
                tuple("req-again", first), tuple("req-clock", dayPassed), tuple("req-again", dayPassed),
                tuple("req-clock-2", firstForgotten));
        assertThat(rejected()).isEmpty();
    }
}
