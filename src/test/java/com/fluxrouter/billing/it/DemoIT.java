package com.fluxrouter.billing.it;

import com.fluxrouter.billing.local.Demo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

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
            assertThat(usage.body()).contains("\"account_id\":\"acct-000\"", "\"usage_usd\"");
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

    private static void awaitAtLeast(LongSupplier value, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (value.getAsLong() < expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("reached " + value.getAsLong() + " of " + expected + " within " + TIMEOUT);
            }
            Thread.sleep(100);
        }
    }
}
