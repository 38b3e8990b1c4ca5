package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Rule 3: a request_id accepted before, within the deduplication window, is dropped and counted, never priced twice. */
class DeduplicationTest extends PipelineTest {
    private static final Instant T = Instant.parse("2026-10-10T00:00:00Z");

    @BeforeEach
    void acmeHasOneDollarOfCredit() {
        publishPlan(plan("acme", "Starter", "1", null, null, "2026-01-01T00:00:00Z"));
    }

    /** $2 of Daily Driver usage: past all three credit alerts and $1 into overage on its own. */
    private RoutedRequest twoDollars(String account, String requestId, Instant completedAt) {
        return request(account, Lane.DAILY_DRIVER, 500_000, 500_000, completedAt.toString())
                .setRequestId(requestId).build();
    }

    private RoutedRequest small(String requestId, Instant completedAt) {
        return request("acme", Lane.EXPRESS, 10, 10, completedAt.toString()).setRequestId(requestId).build();
    }

    /** Sends again, produced at {@code producedAt}: a router retry long after the request completed. */
    private void resend(RoutedRequest request, Instant producedAt) {
        sendKeyed(request.getAccountId(), request, producedAt);
    }

    private double duplicatesTotal() {
        for (Map.Entry<MetricName, ? extends Metric> entry : driver.metrics().entrySet()) {
            MetricName name = entry.getKey();
            if (name.name().equals("duplicates-total") && name.group().contains("flux-billing")) {
                return ((Number) entry.getValue().metricValue()).doubleValue();
            }
        }
        throw new AssertionError("no duplicates-total metric among " + driver.metrics().keySet());
    }

    private void assertNothingMoreEmitted() {
        assertThat(priced()).isEmpty();
        assertThat(overage()).isEmpty();
        assertThat(alerts()).isEmpty();
        assertThat(invoiceLines()).isEmpty();
        assertThat(rejected()).isEmpty();
    }

    @Test
    void sameRequestIdTwiceIsPricedOnceWithOneSetOfOverageAndAlerts() {
        RoutedRequest request = twoDollars("acme", "req-dup", T);
        send(request);
        send(request);

        assertThat(priced()).singleElement().satisfies(p -> {
            assertThat(p.getRequestId()).isEqualTo("req-dup");
            assertThat(p.getCostUsd()).isEqualTo(usd("2"));
        });
        assertThat(overage()).singleElement().satisfies(o -> {
            assertThat(o.getUsageUsd()).isEqualTo(usd("2"));
            assertThat(o.getOverageUsd()).isEqualTo(usd("1"));
            assertThat(o.getOverageDeltaUsd()).isEqualTo(usd("1"));
        });
        assertThat(alerts()).extracting(SpendAlert::getAlert).containsExactly("CREDIT_50", "CREDIT_80", "CREDIT_100");
        assertThat(rejected()).isEmpty();
    }

    @Test
    void duplicateDoesNotAddToTheMonthsUsage() {
        send(twoDollars("acme", "req-a", T));
        send(twoDollars("acme", "req-a", T));
        send(twoDollars("acme", "req-b", T.plusSeconds(60)));

        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly("req-a", "req-b");
        assertThat(overage()).extracting(OverageUpdate::getUsageUsd).containsExactly(usd("2"), usd("4"));
    }

    @Test
    void duplicateIsCountedInTheDuplicatesMetric() {
        RoutedRequest request = small("req-count", T);
        send(request);
        assertThat(duplicatesTotal()).isZero();
        send(request);
        send(request);

        assertThat(duplicatesTotal()).isEqualTo(2.0);
        assertThat(priced()).hasSize(1);
    }

    @Test
    void duplicateWithDifferentContentIsStillDroppedAndTheFirstCopyStands() {
        send(twoDollars("acme", "req-x", T));
        send(RoutedRequest.newBuilder(twoDollars("acme", "req-x", T)).setInputTokens(9_000_000).build());

        assertThat(priced()).singleElement()
                .satisfies(p -> assertThat(p.getInputTokens()).isEqualTo(500_000));
        assertThat(overage()).hasSize(1);
        assertThat(rejected()).isEmpty();
    }

    @Test
    void duplicateMinutesLaterIsDropped() {
        RoutedRequest request = twoDollars("acme", "req-retry", T);
        send(request);
        send(small("req-other", T.plus(Duration.ofMinutes(10))));
        priced();
        overage();
        alerts();

        resend(request, T.plus(Duration.ofMinutes(15)));

        assertNothingMoreEmitted();
    }

    @Test
    void duplicateDaysLaterIsDroppedEvenAfterItsMonthHasClosed() {
        RoutedRequest request = twoDollars("acme", "req-old", Instant.parse("2026-10-20T00:00:00Z"));
        send(request);
        // 30 days later: October closed on Nov 2 and its invoice went out
        send(small("req-now", Instant.parse("2026-11-19T00:00:00Z")));
        assertThat(invoiceLines()).isNotEmpty();
        priced();
        overage();
        alerts();

        resend(request, Instant.parse("2026-11-19T00:00:01Z"));

        assertNothingMoreEmitted(); // no second pricing, no supplemental invoice set
        assertThat(duplicatesTotal()).isEqualTo(1.0);
    }

    @Test
    void duplicateMoreThanTheWindowBehindTheClockIsRejectedTooLateAndNeverPricedTwice() {
        RoutedRequest request = twoDollars("acme", "req-ancient", T);
        send(request);
        send(small("req-now", T.plus(Duration.ofDays(36))));
        priced();
        overage();
        alerts();
        invoiceLines();

        resend(request, T.plus(Duration.ofDays(36)).plusSeconds(1));

        assertThat(priced()).isEmpty();
        assertThat(overage()).isEmpty();
        assertThat(alerts()).isEmpty();
        assertThat(invoiceLines()).isEmpty();
        assertThat(rejected()).singleElement()
                .satisfies(r -> assertThat(r.getReason()).isEqualTo(Reason.TOO_LATE.name()));
    }

    @Test
    void duplicateExactlyAtTheEdgeOfTheWindowIsNeverPricedTwice() {
        RoutedRequest request = twoDollars("acme", "req-edge", T);
        send(request);
        send(small("req-now", T.plus(Duration.ofDays(35))));
        priced();
        invoiceLines();

        resend(request, T.plus(Duration.ofDays(35)).plusSeconds(1));

        // completed_at is exactly the window behind the clock: not *more* than the window (rule 3), so not
        // TOO_LATE, and the id accepted 35 days ago on the billing clock is still remembered: a dropped duplicate
        assertThat(priced()).isEmpty();
        assertThat(invoiceLines()).isEmpty();
        assertThat(rejected()).isEmpty();
        assertThat(duplicatesTotal()).isEqualTo(1.0);
    }

    @Test
    void duplicateOneMillisecondBeyondTheWindowIsRejectedTooLate() {
        RoutedRequest request = small("req-edge", T);
        send(request);
        send(small("req-now", T.plus(Duration.ofDays(35)).plusMillis(1)));
        priced();

        resend(request, T.plus(Duration.ofDays(35)).plusSeconds(1));

        assertThat(priced()).isEmpty();
        assertThat(rejected()).singleElement()
                .satisfies(r -> assertThat(r.getReason()).isEqualTo(Reason.TOO_LATE.name()));
    }

    @Test
    void duplicateOfALateAcceptedRequestIsDropped() {
        send(small("req-now", T.plus(Duration.ofDays(20))));
        RoutedRequest late = twoDollars("acme", "req-late", T);
        send(late);
        send(late);

        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly("req-now", "req-late");
        assertThat(rejected()).isEmpty();
    }

    @Test
    void sameRequestIdOnAnotherAccountIsADifferentRequestAndIsPricedForEach() {
        send(twoDollars("acme", "req-shared", T));
        send(twoDollars("globex", "req-shared", T));

        assertThat(priced()).extracting(PricedRequest::getAccountId).containsExactly("acme", "globex");
        assertThat(rejected()).isEmpty();
        assertThat(duplicatesTotal()).isZero();
    }

    @Test
    void withTheDefaultWindowARequestTwoDaysBehindTheClockIsStillAccepted() {
        send(small("req-now", T.plus(Duration.ofDays(2))));
        send(small("req-old", T));

        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly("req-now", "req-old");
        assertThat(rejected()).isEmpty();
    }
}
