package com.fluxrouter.billing.traffic;

import com.fluxrouter.billing.schema.RoutedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TrafficTest {
    private static final Instant NOW = Instant.parse("2026-11-27T00:00:00Z");

    @Test
    void builtInTokenCountsFollowThePublishedLogNormalFits() {
        TokenSource source = TokenSource.builtIn(new Random(7));
        List<Long> inputs = new ArrayList<>();
        List<Long> outputs = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            TokenSource.Tokens tokens = source.next();
            inputs.add(tokens.input());
            outputs.add(tokens.output());
        }
        inputs.sort(null);
        outputs.sort(null);
        // The fits' medians are e^mu: context 1,096 (code) and 760 (conversation), generated 16 and 151; the
        // mixture's median lies between its parts'.
        assertThat(inputs.get(10_000)).isBetween(Math.round(Math.exp(6.633)), Math.round(Math.exp(6.999)));
        assertThat(outputs.get(10_000)).isBetween(Math.round(Math.exp(2.788)), Math.round(Math.exp(5.019)));
        assertThat(inputs).allSatisfy(n -> assertThat(n).isBetween(0L, 10_000_000L));
    }

    @Test
    void sameSeedGivesTheSameTraffic() {
        RequestFactory a = new RequestFactory(42, TokenSource.builtIn(new Random(42)), 50, "run");
        RequestFactory b = new RequestFactory(42, TokenSource.builtIn(new Random(42)), 50, "run");
        for (int i = 0; i < 100; i++) {
            assertThat(a.next(NOW)).isEqualTo(b.next(NOW));
        }
    }

    @Test
    void requestsHaveUniqueIdsAndUseEveryWayOfAskingForAModel() {
        RequestFactory factory = new RequestFactory(1, TokenSource.builtIn(new Random(1)), 50, "run");
        HashSet<String> ids = new HashSet<>();
        HashSet<String> asks = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            RoutedRequest request = factory.next(NOW);
            ids.add(request.getRequestId());
            asks.add(request.getRequestedModel().startsWith("flux-pinned-") ? "pinned" : request.getRequestedModel());
            assertThat(request.getAccountId()).matches("acct-0[0-4][0-9]");
        }
        assertThat(ids).hasSize(1_000);
        assertThat(asks).contains("flux-auto", "flux-express", "flux-daily", "flux-deep", "pinned");
    }

    @Test
    void traceCsvIsReplayedInOrderAndStartsOver(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("trace.csv");
        Files.writeString(csv, "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                + "2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.9951690,396,109\n");
        TokenSource source = TokenSource.trace(csv);
        assertThat(List.of(source.next(), source.next(), source.next())).containsExactly(
                new TokenSource.Tokens(374, 44), new TokenSource.Tokens(396, 109), new TokenSource.Tokens(374, 44));
    }
}
