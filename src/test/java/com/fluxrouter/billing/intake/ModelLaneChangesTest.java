package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 2 while the model catalog changes between requests for the same served model: each request is billed on the
 * lane the catalog gives the model when it is priced (else the router's claim, else UNKNOWN_MODEL), whether pricing
 * keeps the lanes it read until the catalog changes (the default, here) or reads the catalog for every request
 * ({@link ModelLaneChangesUncachedTest}). Published prices (docs/billing-rules.md rule 2): Express $1, Daily Driver $2,
 * Deep Thought $4 per 1M tokens, input and output alike; every request here has 1M input tokens and no output.
 */
class ModelLaneChangesTest extends PipelineTest {
    private static final String MODEL = "deepseek-r1";

    private RoutedRequest.Builder servedBy(String model, String claimedLane) {
        return request("acme", Lane.EXPRESS, 1_000_000, 0, "2026-11-10T12:00:00Z")
                .setServedModel(model).setLane(claimedLane);
    }

    private void deleteModel(String model) {
        driver.createInputTopic(Topics.MODELS, new StringSerializer(), serdes.avro(ModelLane.class).serializer())
                .pipeInput(model, null, WALL_CLOCK_START);
    }

    @Test
    void aModelMovedAndMovedBackPricesEachRequestAtTheLaneOfTheMoment() {
        send(servedBy(MODEL, null));
        publishModel(new ModelLane(MODEL, Lane.EXPRESS.name()));
        send(servedBy(MODEL, null));
        publishModel(new ModelLane(MODEL, Lane.DEEP_THOUGHT.name()));
        send(servedBy(MODEL, null));

        List<PricedRequest> priced = priced();
        assertThat(rejected()).isEmpty();
        assertThat(priced).extracting(PricedRequest::getLane).containsExactly("DEEP_THOUGHT", "EXPRESS", "DEEP_THOUGHT");
        assertThat(priced).extracting(PricedRequest::getCostUsd).containsExactly(usd("4"), usd("1"), usd("4"));
    }

    @Test
    void aModelDeletedAfterItPricedRequestsFallsBackToTheRoutersClaim() {
        send(servedBy(MODEL, Lane.EXPRESS.name()));
        deleteModel(MODEL);
        send(servedBy(MODEL, Lane.EXPRESS.name()));

        List<PricedRequest> priced = priced();
        assertThat(rejected()).isEmpty();
        assertThat(priced).extracting(PricedRequest::getLaneSource).containsExactly("CATALOG", "ROUTER");
        assertThat(priced).extracting(PricedRequest::getLane).containsExactly("DEEP_THOUGHT", "EXPRESS");
        assertThat(priced).extracting(PricedRequest::getCostUsd).containsExactly(usd("4"), usd("1"));
    }

    @Test
    void aModelDeletedAfterItPricedRequestsRejectsTheNextWithoutAClaimAsUnknownModel() {
        RoutedRequest before = servedBy(MODEL, null).build();
        send(before);
        deleteModel(MODEL);
        RoutedRequest after = servedBy(MODEL, null).build();
        send(after);

        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly(before.getRequestId());
        assertThat(rejected()).extracting(RejectedRecord::getReason).containsExactly(Reason.UNKNOWN_MODEL.name());
    }

    @Test
    void aModelDeletedThenAddedAgainOnAnotherLanePricesAtItsNewLane() {
        send(servedBy(MODEL, Lane.EXPRESS.name()));
        deleteModel(MODEL);
        send(servedBy(MODEL, Lane.EXPRESS.name()));
        publishModel(new ModelLane(MODEL, Lane.DAILY_DRIVER.name()));
        send(servedBy(MODEL, Lane.EXPRESS.name()));

        List<PricedRequest> priced = priced();
        assertThat(rejected()).isEmpty();
        assertThat(priced).extracting(PricedRequest::getLaneSource).containsExactly("CATALOG", "ROUTER", "CATALOG");
        assertThat(priced).extracting(PricedRequest::getLane).containsExactly("DEEP_THOUGHT", "EXPRESS", "DAILY_DRIVER");
        assertThat(priced).extracting(PricedRequest::getCostUsd).containsExactly(usd("4"), usd("1"), usd("2"));
    }

    @Test
    void aModelUnknownWhenFirstServedIsPricedAtItsCatalogLaneOnceTheCatalogLearnsIt() {
        send(servedBy("flux-next-gen", Lane.EXPRESS.name()));
        publishModel(new ModelLane("flux-next-gen", Lane.DEEP_THOUGHT.name()));
        send(servedBy("flux-next-gen", Lane.EXPRESS.name()));

        List<PricedRequest> priced = priced();
        assertThat(rejected()).isEmpty();
        assertThat(priced).extracting(PricedRequest::getLaneSource).containsExactly("ROUTER", "CATALOG");
        assertThat(priced).extracting(PricedRequest::getCostUsd).containsExactly(usd("1"), usd("4"));
    }

    @Test
    void aChangeToAnotherModelLeavesTheServedModelsLaneAlone() {
        send(servedBy(MODEL, null));
        publishModel(new ModelLane("llama-3.1-8b-instruct", Lane.DEEP_THOUGHT.name()));
        deleteModel("flux-express-small");
        send(servedBy(MODEL, null));

        List<PricedRequest> priced = priced();
        assertThat(rejected()).isEmpty();
        assertThat(priced).extracting(PricedRequest::getLane).containsExactly("DEEP_THOUGHT", "DEEP_THOUGHT");
        assertThat(priced).extracting(PricedRequest::getCostUsd).containsExactly(usd("4"), usd("4"));
    }
}
