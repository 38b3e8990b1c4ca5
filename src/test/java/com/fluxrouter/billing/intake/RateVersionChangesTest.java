package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.topology.Topics;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 2 while the rate card changes between requests: each request is priced against the versions in the catalog
 * when it is priced, whether pricing keeps the decoded versions until the catalog changes them (the default, here)
 * or decodes them for every request ({@link RateVersionChangesUncachedTest}). Published Express rate: $1 per 1M
 * tokens, input and output alike, since 2020.
 */
class RateVersionChangesTest extends PipelineTest {
    private static final String NOVEMBER = "2026-11-01T00:00:00Z";

    @Test
    void aVersionPublishedAfterRequestsWerePricedPricesTheRequestsAfterIt() {
        send(request("acme", Lane.EXPRESS, 1_000_000, 0, "2026-11-10T12:00:00Z"));
        send(request("acme", Lane.EXPRESS, 1_000_000, 0, "2026-11-10T12:00:01Z"));
        publishRate(rate(Lane.EXPRESS, "3", "3", NOVEMBER));
        send(request("acme", Lane.EXPRESS, 1_000_000, 0, "2026-11-10T12:00:02Z"));

        assertThat(priced()).extracting(PricedRequest::getCostUsd).containsExactly(usd("1"), usd("1"), usd("3"));
    }

    @Test
    void aCorrectedVersionPricesTheRequestsAfterTheCorrection() {
        publishRate(rate(Lane.EXPRESS, "3", "3", NOVEMBER));
        send(request("acme", Lane.EXPRESS, 1_000_000, 0, "2026-11-10T12:00:00Z"));
        publishRate(rate(Lane.EXPRESS, "2.5", "3", NOVEMBER));
        send(request("acme", Lane.EXPRESS, 1_000_000, 0, "2026-11-10T12:00:01Z"));

        List<PricedRequest> priced = priced();
        assertThat(priced).extracting(PricedRequest::getCostUsd).containsExactly(usd("3"), usd("2.5"));
        assertThat(priced).extracting(PricedRequest::getRateEffectiveFrom).containsOnly(Instant.parse(NOVEMBER));
    }

    @Test
    void aDeletedVersionNoLongerPricesTheRequestsAfterItsTombstone() {
        publishRate(rate(Lane.EXPRESS, "3", "3", NOVEMBER));
        send(request("acme", Lane.EXPRESS, 1_000_000, 0, "2026-11-10T12:00:00Z"));
        driver.createInputTopic(Topics.RATES, serdes.avro(LaneRateKey.class).serializer(),
                        serdes.avro(LaneRate.class).serializer())
                .pipeInput(new LaneRateKey(Lane.EXPRESS.name(), Instant.parse(NOVEMBER)), null, WALL_CLOCK_START);
        send(request("acme", Lane.EXPRESS, 1_000_000, 0, "2026-11-10T12:00:01Z"));

        List<PricedRequest> priced = priced();
        assertThat(rejected()).isEmpty();
        assertThat(priced).extracting(PricedRequest::getCostUsd).containsExactly(usd("3"), usd("1"));
        assertThat(priced).extracting(PricedRequest::getRateEffectiveFrom)
                .containsExactly(Instant.parse(NOVEMBER), PublishedPriceList.EFFECTIVE_FROM);
    }
}
