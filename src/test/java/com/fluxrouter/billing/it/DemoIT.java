package com.fluxrouter.billing.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fluxrouter.billing.local.Demo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one-command demo on its own broker: live traffic is priced, accounts reach overage and alerts, and a stop
 * followed by a second run on the same data directory loses nothing and prices nothing twice.
 */
class DemoIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dataDir;

    @Test
    void pricesLiveTrafficAndResumesAfterAStopWithoutLossOrDoubleCounting() throws Exception {
        long sentBefore;
        try (Demo demo = Demo.start(options())) {
            awaitAtLeast(demo::priced, 200);
            awaitAtLeast(demo::alerts, 1);
            awaitAtLeast(demo::accountsInOverage, 1);
            HttpResponse<String> usage = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(demo.apiAddress() + "/accounts/acct-000/usage")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(usage.statusCode()).isEqualTo(200);
            assertUsageAddsUp(usage.body());
            demo.stopTraffic();
            sentBefore = demo.sent();
        }
        try (Demo demo = Demo.start(options())) {
            awaitAtLeast(demo::priced, sentBefore + 100);
            demo.stopTraffic();
            long sentInAll = sentBefore + demo.sent();
            awaitAtLeast(demo::priced, sentInAll);
            Thread.sleep(2_000); // would anything be priced twice, it would show up by now
            assertThat(demo.priced()).isEqualTo(sentInAll);
            assertThat(demo.rejected()).isZero();
        }
    }

    private Demo.Options options() {
        return new Demo.Options(dataDir, 0, 0, 200, 50, 7, null, Duration.ofMillis(500),
                new PrintStream(OutputStream.nullOutputStream()));
    }

    /**
     * The account's month as the API shows it: its account, usage equal to the sum of its lanes (priced traffic
     * reached it), and rule 7's figures recomputed here from usage, credit and ceiling with BigDecimal.
     */
    private static void assertUsageAddsUp(String body) throws Exception {
        JsonNode month = new ObjectMapper().readTree(body);
        assertThat(month.get("account_id").asText()).isEqualTo("acct-000");
        BigDecimal usage = new BigDecimal(month.get("usage_usd").asText());
        BigDecimal lanes = BigDecimal.ZERO;
        long requests = 0;
        for (JsonNode lane : month.get("lanes")) {
            lanes = lanes.add(new BigDecimal(lane.get("amount_usd").asText()));
            requests += lane.get("requests").asLong();
        }
        assertThat(requests).as("requests metered for acct-000").isPositive();
        assertThat(usage).as("usage_usd = sum of the lanes").isEqualByComparingTo(lanes);
        BigDecimal credit = new BigDecimal(month.get("included_credit_usd").asText());
        JsonNode ceilingNode = month.get("spend_ceiling_usd");
        BigDecimal billable = ceilingNode.isNull() ? usage : usage.min(new BigDecimal(ceilingNode.asText()));
        BigDecimal overCeiling = ceilingNode.isNull() ? BigDecimal.ZERO
                : usage.subtract(new BigDecimal(ceilingNode.asText())).max(BigDecimal.ZERO);
        assertThat(new BigDecimal(month.get("credit_applied_usd").asText())).isEqualByComparingTo(usage.min(credit));
        assertThat(new BigDecimal(month.get("overage_due_usd").asText()))
                .isEqualByComparingTo(billable.subtract(credit).max(BigDecimal.ZERO));
        assertThat(new BigDecimal(month.get("over_ceiling_usd").asText())).isEqualByComparingTo(overCeiling);
    }

    private static void awaitAtLeast(LongSupplier value, long expected) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(value.getAsLong()).isGreaterThanOrEqualTo(expected));
    }
}
