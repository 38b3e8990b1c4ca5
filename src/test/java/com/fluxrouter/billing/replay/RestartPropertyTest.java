package com.fluxrouter.billing.replay;

import com.fluxrouter.billing.RandomTraffic;
import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: splitting the input anywhere and restarting from the committed state gives the same invoices, and
 * indeed the same records on every output, in the same order. Traffic over three months with months closing along
 * the way, late requests and router retries; the engine's meter is restarted (a new processor on the same stores,
 * {@link ReplayEngine#restart}) at one to eight random points, and the result compared with an uninterrupted run.
 */
class RestartPropertyTest {
    private static final Instant NOW = Instant.parse("2026-12-15T00:00:00Z");
    private static final Duration CLOSE_ALL = Duration.ofDays(365L * 1000);
    private static final List<String> FILES =
            List.of("priced.jsonl", "overage.jsonl", "alerts.jsonl", "invoice-lines.jsonl", "rejected.jsonl");

    @TempDir
    Path tmp;

    private final BillingConfig config = BillingConfig.defaults()
            .with(BillingConfig.STATE_STORES, "in_memory").with(BillingConfig.STATE_CHANGELOGS, "false");
    private final Serdes serdes = new Serdes(config.wireFormat());

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 20);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void restartingAnywhereFromTheCommittedStateChangesNoOutput(long seed) throws IOException {
        Random random = new Random(seed);
        List<RoutedRequest> requests = RandomTraffic.requests(random, Instant.parse("2026-08-25T00:00:00Z"),
                Instant.parse("2026-11-10T00:00:00Z"), 200);
        Set<Integer> restarts = new TreeSet<>();
        for (int i = 1 + random.nextInt(8); i > 0; i--) {
            restarts.add(random.nextInt(requests.size() + 1));
        }

        Path whole = run("whole", requests, Set.of());
        Path split = run("split", requests, restarts);

        assertThat(Files.readAllLines(whole.resolve("invoice-lines.jsonl"))).as("months closed").isNotEmpty();
        assertThat(Files.readAllLines(whole.resolve("rejected.jsonl"))).as("valid traffic").isEmpty();
        for (String file : FILES) {
            assertThat(Files.readAllLines(split.resolve(file))).as(file + " restarted at " + restarts)
                    .isEqualTo(Files.readAllLines(whole.resolve(file)));
        }
    }

    /** Catalog, plans and requests through one engine, restarting its meter before the requests at those indexes. */
    private Path run(String name, List<RoutedRequest> requests, Set<Integer> restartBefore) throws IOException {
        Path out = tmp.resolve(name);
        try (JsonSinks sinks = new JsonSinks(out)) {
            ReplayEngine engine = new ReplayEngine(config, NOW, sinks, Files.createDirectories(tmp.resolve(name + "-state")));
            PublishedPriceList.models().forEach(m -> engine.accept(Topics.MODELS, utf8(m.getModelId()), avro(m)));
            PublishedPriceList.rates().forEach(r -> engine.accept(Topics.RATES,
                    avro(new LaneRateKey(r.getLane(), r.getEffectiveFrom())), avro(r)));
            RandomTraffic.plans().forEach(p -> engine.accept(Topics.PLANS,
                    avro(new AccountPlanKey(p.getAccountId(), p.getEffectiveFrom())), avro(p)));
            for (int i = 0; i <= requests.size(); i++) {
                if (restartBefore.contains(i)) {
                    engine.restart();
                }
                if (i < requests.size()) {
                    RoutedRequest request = requests.get(i);
                    engine.accept(Topics.ROUTED, utf8(request.getAccountId()), avro(request));
                }
            }
            engine.closeOpenMonths(CLOSE_ALL);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> byte[] avro(T record) {
        return serdes.avro((Class<T>) record.getClass()).serializer().serialize(null, record);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
