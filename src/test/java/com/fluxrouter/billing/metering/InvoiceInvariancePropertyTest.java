package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.RandomTraffic;
import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.replay.AvroJson;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.BillingTopology;
import com.fluxrouter.billing.topology.StreamsSettings;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property of the whole pipeline over seeded random traffic, on the production topology (TopologyTestDriver): the
 * order of on-time requests does not change the invoices. (Splitting and restarting: {@code RestartPropertyTest}.)
 */
class InvoiceInvariancePropertyTest {
    private static final Instant NOW = Instant.parse("2026-12-15T00:00:00Z");
    /** Far enough for the wall clock to close every month once the partition is idle. */
    private static final Duration CLOSE_ALL = Duration.ofDays(3650);

    @TempDir
    Path tmp;

    private final AvroJson json = new AvroJson();

    /** What one run wrote, topic by topic, as JSON lines in the order written. */
    private record Outputs(Map<String, List<String>> topics) {
        List<String> sorted(String topic) {
            List<String> lines = new ArrayList<>(topics.get(topic));
            Collections.sort(lines);
            return lines;
        }
    }

    /**
     * On-time traffic (every request before any month of its account can close, router retries included) gives the
     * same invoice lines and the same priced requests in any order.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void anyPermutationOfOnTimeRequestsGivesTheSameInvoices(long seed) throws IOException {
        Random random = new Random(seed);
        List<RoutedRequest> requests = RandomTraffic.requests(random, Instant.parse("2026-10-01T00:00:00Z"),
                Instant.parse("2026-10-28T00:00:00Z"), 150);
        List<RoutedRequest> shuffled = new ArrayList<>(requests);
        Collections.shuffle(shuffled, random);

        Outputs inOrder = run(tmp.resolve("ordered"), requests);
        Outputs permuted = run(tmp.resolve("permuted"), shuffled);

        assertThat(inOrder.topics().get(Topics.INVOICE_LINES)).as("invoice lines").isNotEmpty();
        assertThat(permuted.sorted(Topics.INVOICE_LINES)).isEqualTo(inOrder.sorted(Topics.INVOICE_LINES));
        assertThat(permuted.sorted(Topics.PRICED)).isEqualTo(inOrder.sorted(Topics.PRICED));
    }

    // ---- running the topology

    /** One TopologyTestDriver run: the catalog, the plans, the requests, then every month closed. */
    private Outputs run(Path dir, List<RoutedRequest> requests) throws IOException {
        BillingConfig config = BillingConfig.defaults().with(BillingConfig.STATE_STORES, "in_memory");
        Serdes serdes = new Serdes(config.wireFormat());
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        Properties properties = new Properties();
        properties.putAll(StreamsSettings.of(config));
        properties.putAll(StreamsSettings.forTestDriver());
        properties.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(BillingTopology.build(config), properties, NOW)) {
            TestInputTopic<String, ModelLane> models = driver.createInputTopic(Topics.MODELS,
                    serdes.string().serializer(), serdes.avro(ModelLane.class).serializer());
            TestInputTopic<LaneRateKey, LaneRate> rates = driver.createInputTopic(Topics.RATES,
                    serdes.avro(LaneRateKey.class).serializer(), serdes.avro(LaneRate.class).serializer());
            TestInputTopic<AccountPlanKey, AccountPlan> plans = driver.createInputTopic(Topics.PLANS,
                    serdes.avro(AccountPlanKey.class).serializer(), serdes.avro(AccountPlan.class).serializer());
            TestInputTopic<String, RoutedRequest> routed = driver.createInputTopic(Topics.ROUTED,
                    serdes.string().serializer(), serdes.avro(RoutedRequest.class).serializer());
            PublishedPriceList.models().forEach(m -> models.pipeInput(m.getModelId(), m, NOW));
            PublishedPriceList.rates().forEach(r -> rates.pipeInput(new LaneRateKey(r.getLane(), r.getEffectiveFrom()), r, NOW));
            RandomTraffic.plans().forEach(p -> plans.pipeInput(new AccountPlanKey(p.getAccountId(), p.getEffectiveFrom()), p, NOW));
            requests.forEach(r -> routed.pipeInput(r.getAccountId(), r, NOW));
            driver.advanceWallClockTime(CLOSE_ALL);
            Map<String, List<String>> outputs = new LinkedHashMap<>();
            outputs.put(Topics.PRICED, read(driver, serdes, Topics.PRICED, PricedRequest.class));
            outputs.put(Topics.OVERAGE, read(driver, serdes, Topics.OVERAGE, OverageUpdate.class));
            outputs.put(Topics.ALERTS, read(driver, serdes, Topics.ALERTS, SpendAlert.class));
            outputs.put(Topics.INVOICE_LINES, read(driver, serdes, Topics.INVOICE_LINES, InvoiceLine.class));
            outputs.put(Topics.REJECTED, read(driver, serdes, Topics.REJECTED, com.fluxrouter.billing.schema.RejectedRecord.class));
            assertThat(outputs.get(Topics.REJECTED)).as("no valid request is rejected").isEmpty();
            return new Outputs(outputs);
        }
    }

    private <T extends SpecificRecord> List<String> read(TopologyTestDriver driver, Serdes serdes, String topic,
                                                         Class<T> type) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), serdes.avro(type).deserializer())
                .readValuesToList().stream().map(json::write).toList();
    }
}
