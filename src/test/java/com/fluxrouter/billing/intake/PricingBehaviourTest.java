package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Rules 1 and 2 through the production topology: which lane a request is billed on, and its exact price. */
class PricingBehaviourTest extends PipelineTest {
    private static final Instant PUBLISHED = PublishedPriceList.EFFECTIVE_FROM;

    private PricedRequest pricedOnly() {
        List<PricedRequest> priced = priced();
        assertThat(rejected()).isEmpty();
        assertThat(priced).hasSize(1);
        return priced.get(0);
    }

    private RoutedRequest.Builder served(String requestedModel, String servedModel, long input, long output) {
        return request("acme", Lane.EXPRESS, input, output, "2026-11-10T12:00:00Z")
                .setRequestedModel(requestedModel)
                .setServedModel(servedModel);
    }

    @ParameterizedTest(name = "{0} served by {1} bills {2}")
    @CsvSource({
            "flux-auto,                    flux-express-small,     EXPRESS,      0.002000000",
            "flux-auto,                    deepseek-r1,            DEEP_THOUGHT, 0.008000000",
            "flux-express,                 llama-3.3-70b-instruct, DAILY_DRIVER, 0.004000000",
            "flux-deep,                    llama-3.1-8b-instruct,  EXPRESS,      0.002000000",
            "flux-daily,                   flux-daily-medium,      DAILY_DRIVER, 0.004000000",
            "flux-pinned-deepseek-r1,      deepseek-r1,            DEEP_THOUGHT, 0.008000000",
            "flux-pinned-flux-deep-large,  flux-deep-large,        DEEP_THOUGHT, 0.008000000",
    })
    void priceFollowsTheServedModelsCatalogLaneWhateverWasRequested(String requested, String servedModel,
                                                                      String lane, String cost) {
        send(served(requested, servedModel, 1_000, 1_000));

        PricedRequest priced = pricedOnly();
        assertThat(priced.getRequestedModel()).isEqualTo(requested);
        assertThat(priced.getServedModel()).isEqualTo(servedModel);
        assertThat(priced.getLane()).isEqualTo(lane);
        assertThat(priced.getLaneSource()).isEqualTo("CATALOG");
        assertThat(priced.getCostUsd()).isEqualTo(usd(cost));
    }

    @Test
    void catalogLaneWinsOverTheRoutersLaneClaim() {
        send(served("flux-auto", "flux-express-small", 1_000_000, 0).setLane(Lane.DEEP_THOUGHT.name()));

        PricedRequest priced = pricedOnly();
        assertThat(priced.getLane()).isEqualTo("EXPRESS");
        assertThat(priced.getLaneSource()).isEqualTo("CATALOG");
        assertThat(priced.getClaimedLane()).as("the claim is kept for audit").isEqualTo("DEEP_THOUGHT");
        assertThat(priced.getCostUsd()).isEqualTo(usd("1"));
    }

    @Test
    void catalogLaneWinsEvenWhenTheRoutersClaimIsNotALane() {
        send(served("flux-auto", "deepseek-r1", 0, 1_000_000).setLane("TURBO"));

        PricedRequest priced = pricedOnly();
        assertThat(priced.getLane()).isEqualTo("DEEP_THOUGHT");
        assertThat(priced.getLaneSource()).isEqualTo("CATALOG");
        assertThat(priced.getCostUsd()).isEqualTo(usd("4"));
    }

    @Test
    void unknownModelWithAValidLaneClaimIsPricedAtTheClaimedLane() {
        send(served("flux-auto", "mystery-model-9000", 500_000, 250_000).setLane(Lane.DAILY_DRIVER.name()));

        PricedRequest priced = pricedOnly();
        assertThat(priced.getServedModel()).isEqualTo("mystery-model-9000");
        assertThat(priced.getLane()).isEqualTo("DAILY_DRIVER");
        assertThat(priced.getLaneSource()).isEqualTo("ROUTER");
        assertThat(priced.getInputCostUsd()).isEqualTo(usd("1"));
        assertThat(priced.getOutputCostUsd()).isEqualTo(usd("0.5"));
        assertThat(priced.getCostUsd()).isEqualTo(usd("1.5"));
    }

    @Test
    void modelMovedToAnotherLaneInTheCatalogPricesLaterRequestsAtTheNewLane() {
        send(served("flux-auto", "llama-3.1-8b-instruct", 1_000_000, 0));
        publishModel(new ModelLane("llama-3.1-8b-instruct", Lane.DEEP_THOUGHT.name()));
        send(served("flux-auto", "llama-3.1-8b-instruct", 1_000_000, 0));

        List<PricedRequest> priced = priced();
        assertThat(priced).extracting(PricedRequest::getLane).containsExactly("EXPRESS", "DEEP_THOUGHT");
        assertThat(priced).extracting(PricedRequest::getCostUsd).containsExactly(usd("1"), usd("4"));
    }

    @Test
    void modelDeletedFromTheCatalogFallsBackToTheRoutersLaneClaim() {
        driver.createInputTopic(Topics.MODELS, new StringSerializer(), serdes.avro(ModelLane.class).serializer())
                .pipeInput("deepseek-r1", null, WALL_CLOCK_START);
        send(served("flux-auto", "deepseek-r1", 1_000_000, 0).setLane(Lane.EXPRESS.name()));

        PricedRequest priced = pricedOnly();
        assertThat(priced.getLane()).isEqualTo("EXPRESS");
        assertThat(priced.getLaneSource()).isEqualTo("ROUTER");
        assertThat(priced.getCostUsd()).isEqualTo(usd("1"));
    }

    @Test
    void pricesInputAndOutputTokensAtTheLaneRates() {
        publishRate(rate(Lane.DAILY_DRIVER, "1.25", "7.5", "2026-11-01T00:00:00Z"));
        send(request("acme", Lane.DAILY_DRIVER, 1_000_000, 200_000, "2026-11-10T12:00:00Z"));

        PricedRequest priced = pricedOnly();
        assertThat(priced.getLane()).isEqualTo("DAILY_DRIVER");
        assertThat(priced.getInputCostUsd()).isEqualTo(usd("1.25"));
        assertThat(priced.getOutputCostUsd()).isEqualTo(usd("1.5"));
        assertThat(priced.getCostUsd()).isEqualTo(usd("2.75"));
        assertThat(priced.getRateEffectiveFrom()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    }

    @Test
    void outputRateAppliesOnlyToOutputTokensAndInputRateOnlyToInputTokens() {
        publishRate(rate(Lane.EXPRESS, "0.1", "10", "2026-11-01T00:00:00Z"));
        send(request("acme", Lane.EXPRESS, 1_000_000, 0, "2026-11-10T12:00:00Z"));
        send(request("acme", Lane.EXPRESS, 0, 1_000_000, "2026-11-10T12:00:01Z"));

        List<PricedRequest> priced = priced();
        assertThat(priced).hasSize(2);
        assertThat(priced.get(0).getInputCostUsd()).isEqualTo(usd("0.1"));
        assertThat(priced.get(0).getOutputCostUsd()).isEqualTo(usd("0"));
        assertThat(priced.get(0).getCostUsd()).isEqualTo(usd("0.1"));
        assertThat(priced.get(1).getInputCostUsd()).isEqualTo(usd("0"));
        assertThat(priced.get(1).getOutputCostUsd()).isEqualTo(usd("10"));
        assertThat(priced.get(1).getCostUsd()).isEqualTo(usd("10"));
    }

    @Test
    void rateChangeMidMonthPricesEachRequestAtTheVersionInForceAtCompletion() {
        Instant change = Instant.parse("2026-11-15T00:00:00Z");
        publishRate(rate(Lane.EXPRESS, "1.5", "3", change.toString()));
        send(request("acme", Lane.EXPRESS, 1_000_000, 1_000_000, "2026-11-14T23:59:59.999Z"));
        send(request("acme", Lane.EXPRESS, 1_000_000, 1_000_000, "2026-11-15T00:00:00Z"));
        send(request("acme", Lane.EXPRESS, 1_000_000, 1_000_000, "2026-11-20T08:00:00Z"));
        // arrives after the change was priced, but completed before it: old rate
        send(request("acme", Lane.EXPRESS, 1_000_000, 1_000_000, "2026-11-03T08:00:00Z"));

        List<PricedRequest> priced = priced();
        assertThat(rejected()).isEmpty();
        assertThat(priced).extracting(PricedRequest::getCostUsd)
                .containsExactly(usd("2"), usd("4.5"), usd("4.5"), usd("2"));
        assertThat(priced).extracting(PricedRequest::getOutputCostUsd)
                .containsExactly(usd("1"), usd("3"), usd("3"), usd("1"));
        assertThat(priced).extracting(PricedRequest::getRateEffectiveFrom)
                .containsExactly(PUBLISHED, change, change, PUBLISHED);
        assertThat(priced).extracting(PricedRequest::getBillingMonth).containsOnly("2026-11");
    }

    @Test
    void rateVersionPublishedAfterARequestWasPricedDoesNotRepriceIt() {
        send(request("acme", Lane.DEEP_THOUGHT, 1_000_000, 0, "2026-11-20T08:00:00Z"));
        publishRate(rate(Lane.DEEP_THOUGHT, "8", "8", "2026-11-01T00:00:00Z"));
        send(request("acme", Lane.DEEP_THOUGHT, 1_000_000, 0, "2026-11-20T08:00:01Z"));

        List<PricedRequest> priced = priced();
        assertThat(priced).extracting(PricedRequest::getCostUsd).containsExactly(usd("4"), usd("8"));
        assertThat(priced).extracting(PricedRequest::getRateEffectiveFrom)
                .containsExactly(PUBLISHED, Instant.parse("2026-11-01T00:00:00Z"));
    }

    @Test
    void rateChangeOfOneLaneLeavesTheOtherLanesAlone() {
        publishRate(rate(Lane.EXPRESS, "9", "9", "2026-11-01T00:00:00Z"));
        send(request("acme", Lane.DAILY_DRIVER, 1_000_000, 0, "2026-11-10T12:00:00Z"));

        PricedRequest priced = pricedOnly();
        assertThat(priced.getCostUsd()).isEqualTo(usd("2"));
        assertThat(priced.getRateEffectiveFrom()).isEqualTo(PUBLISHED);
    }

    @Test
    void zeroTokensCostNothingAndAreAccepted() {
        send(request("acme", Lane.DEEP_THOUGHT, 0, 0, "2026-11-10T12:00:00Z"));

        PricedRequest priced = pricedOnly();
        assertThat(priced.getInputTokens()).isZero();
        assertThat(priced.getOutputTokens()).isZero();
        assertThat(priced.getInputCostUsd()).isEqualTo(usd("0"));
        assertThat(priced.getOutputCostUsd()).isEqualTo(usd("0"));
        assertThat(priced.getCostUsd()).isEqualTo(usd("0"));
        assertThat(priced.getQuoteMismatch()).isFalse();
    }

    @Test
    void quoteEqualToOurPriceIsNoMismatch() {
        send(request("acme", Lane.DAILY_DRIVER, 1_200_000, 300_000, "2026-11-10T12:00:00Z")
                .setQuotedCostUsd(usd("3")));

        PricedRequest priced = pricedOnly();
        assertThat(priced.getCostUsd()).isEqualTo(usd("3"));
        assertThat(priced.getQuotedCostUsd()).isEqualTo(usd("3"));
        assertThat(priced.getQuoteMismatch()).isFalse();
    }

    @Test
    void quoteDifferingFromOurPriceIsFlaggedButNeverBilled() {
        send(request("acme", Lane.DAILY_DRIVER, 1_200_000, 300_000, "2026-11-10T12:00:00Z")
                .setQuotedCostUsd(usd("2.99")));
        send(request("acme", Lane.DAILY_DRIVER, 1_200_000, 300_000, "2026-11-10T12:00:01Z")
                .setQuotedCostUsd(usd("3.000000001")));

        List<PricedRequest> priced = priced();
        assertThat(priced).extracting(PricedRequest::getQuoteMismatch).containsExactly(true, true);
        assertThat(priced).extracting(PricedRequest::getCostUsd).containsExactly(usd("3"), usd("3"));
        assertThat(priced).extracting(PricedRequest::getQuotedCostUsd).containsExactly(usd("2.99"), usd("3.000000001"));
    }

    @Test
    void missingQuoteIsNoMismatch() {
        send(request("acme", Lane.EXPRESS, 10, 10, "2026-11-10T12:00:00Z").setQuotedCostUsd(null));

        PricedRequest priced = pricedOnly();
        assertThat(priced.getQuotedCostUsd()).isNull();
        assertThat(priced.getQuoteMismatch()).isFalse();
    }

    @Test
    void oneTokenAtExpressCostsOneMillionthOfADollarExactly() {
        send(request("acme", Lane.EXPRESS, 1, 0, "2026-11-10T12:00:00Z"));

        PricedRequest priced = pricedOnly();
        assertThat(priced.getInputCostUsd()).isEqualTo(new BigDecimal("0.000001000"));
        assertThat(priced.getCostUsd()).isEqualTo(new BigDecimal("0.000001000"));
        assertThat(priced.getCostUsd().scale()).isEqualTo(9);
    }

    @Test
    void costsAreExactToTheNanoDollarAtTheSmallestRate() {
        publishRate(rate(Lane.EXPRESS, "0.001", "0.007", "2026-11-01T00:00:00Z"));
        send(request("acme", Lane.EXPRESS, 3, 1, "2026-11-10T12:00:00Z"));

        PricedRequest priced = pricedOnly();
        assertThat(priced.getInputCostUsd()).isEqualTo(new BigDecimal("0.000000003"));
        assertThat(priced.getOutputCostUsd()).isEqualTo(new BigDecimal("0.000000007"));
        assertThat(priced.getCostUsd()).isEqualTo(new BigDecimal("0.000000010"));
    }

    @Test
    void costsAreExactAtTheLargestTokenCountsAndAnOddRate() {
        publishRate(rate(Lane.DEEP_THOUGHT, "999.999", "12.345", "2026-11-01T00:00:00Z"));
        send(request("acme", Lane.DEEP_THOUGHT, 10_000_000, 9_999_999, "2026-11-10T12:00:00Z"));

        PricedRequest priced = pricedOnly();
        assertThat(priced.getInputCostUsd()).isEqualTo(usd("9999.99"));
        assertThat(priced.getOutputCostUsd()).isEqualTo(usd("123.449987655"));
        assertThat(priced.getCostUsd()).isEqualTo(usd("10123.439987655"));
    }

    @Test
    void tenMillionTokensEachWayAtDeepThoughtCostEightyDollars() {
        send(request("acme", Lane.DEEP_THOUGHT, 10_000_000, 10_000_000, "2026-11-10T12:00:00Z"));

        PricedRequest priced = pricedOnly();
        assertThat(priced.getCostUsd()).isEqualTo(usd("80"));
    }

    @Test
    void pricedRequestCarriesTheRequestAsReceivedWithItsBillingMonth() {
        RoutedRequest request = request("acme", Lane.DAILY_DRIVER, 123, 456, "2026-11-30T23:59:59.999Z")
                .setRequestId("router-7f3a")
                .setRequestedModel("flux-pinned-llama-3.3-70b")
                .setServedModel("llama-3.3-70b-instruct")
                .setQuotedCostUsd(usd("0.001158"))
                .build();
        send(request);

        PricedRequest priced = pricedOnly();
        assertThat(priced.getRequestId()).isEqualTo("router-7f3a");
        assertThat(priced.getAccountId()).isEqualTo("acme");
        assertThat(priced.getRequestedModel()).isEqualTo("flux-pinned-llama-3.3-70b");
        assertThat(priced.getServedModel()).isEqualTo("llama-3.3-70b-instruct");
        assertThat(priced.getInputTokens()).isEqualTo(123);
        assertThat(priced.getOutputTokens()).isEqualTo(456);
        assertThat(priced.getCompletedAt()).isEqualTo(request.getCompletedAt());
        assertThat(priced.getBillingMonth()).isEqualTo("2026-11");
        assertThat(priced.getInputCostUsd()).isEqualTo(usd("0.000246"));
        assertThat(priced.getOutputCostUsd()).isEqualTo(usd("0.000912"));
        assertThat(priced.getCostUsd()).isEqualTo(usd("0.001158"));
        assertThat(priced.getQuoteMismatch()).isFalse();
        assertThat(priced.getRateEffectiveFrom()).isEqualTo(PUBLISHED);
    }
}
