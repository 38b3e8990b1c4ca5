package com.fluxrouter.billing;

import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.BillingTopology;
import com.fluxrouter.billing.topology.StreamsSettings;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test base: every test gets a fresh {@link TopologyTestDriver} over the production topology, in-memory stores,
 * its own state directory, a fixed wall clock and the published price list already in the catalog.
 */
public abstract class PipelineTest {
    /** The driver's wall clock at start; tests move it with {@link #advanceWallClock}. */
    protected static final Instant WALL_CLOCK_START = Instant.parse("2026-11-27T00:00:00Z");
    /** Record timestamp of {@link #publishPlan(AccountPlan)}: before any request a test sends. */
    protected static final Instant PLANS_PUBLISHED_AT = Instant.parse("2020-01-01T00:00:00Z");

    @TempDir
    protected Path stateDir;

    protected TopologyTestDriver driver;
    protected Serdes serdes;
    private TestInputTopic<String, RoutedRequest> requests;
    private TestInputTopic<byte[], byte[]> rawRequests;
    private TestInputTopic<String, ModelLane> models;
    private TestInputTopic<LaneRateKey, LaneRate> rates;
    private TestInputTopic<AccountPlanKey, AccountPlan> plans;
    private TestOutputTopic<String, PricedRequest> priced;
    private TestOutputTopic<AccountMonthKey, OverageUpdate> overage;
    private TestOutputTopic<AccountMonthKey, SpendAlert> alerts;
    private TestOutputTopic<AccountMonthKey, InvoiceLine> invoiceLines;
    private TestOutputTopic<byte[], RejectedRecord> rejected;
    private TestOutputTopic<String, SpendStatus> statuses;
    private final AtomicInteger nextRequestId = new AtomicInteger();

    /** Override to start a test class's driver at another wall clock (the catalog is published then). */
    protected Instant wallClockStart() {
        return WALL_CLOCK_START;
    }

    /** Override to change billing settings for a test class. */
    protected BillingConfig config() {
        return BillingConfig.defaults().with(BillingConfig.STATE_STORES, "in_memory");
    }

    /** Override to run the driver on other Streams settings for a test class (the driver's own overrides still apply). */
    protected Map<String, Object> streamsSettings(BillingConfig config) {
        return StreamsSettings.of(config);
    }

    @BeforeEach
    void startDriver() {
        BillingConfig config = config();
        Properties properties = new Properties();
        properties.putAll(streamsSettings(config));
        properties.put("state.dir", stateDir.toString());
        properties.putAll(StreamsSettings.forTestDriver());
        driver = new TopologyTestDriver(BillingTopology.build(config), properties, wallClockStart());
        serdes = new Serdes(config.wireFormat());
        requests = input(Topics.ROUTED, serdes.string(), serdes.avro(RoutedRequest.class));
        rawRequests = driver.createInputTopic(Topics.ROUTED, new ByteArraySerializer(), new ByteArraySerializer());
        models = input(Topics.MODELS, serdes.string(), serdes.avro(ModelLane.class));
        rates = input(Topics.RATES, serdes.avro(LaneRateKey.class), serdes.avro(LaneRate.class));
        plans = input(Topics.PLANS, serdes.avro(AccountPlanKey.class), serdes.avro(AccountPlan.class));
        priced = output(Topics.PRICED, serdes.string(), serdes.avro(PricedRequest.class));
        Serde<AccountMonthKey> monthKey = serdes.avro(AccountMonthKey.class);
        overage = output(Topics.OVERAGE, monthKey, serdes.avro(OverageUpdate.class));
        alerts = output(Topics.ALERTS, monthKey, serdes.avro(SpendAlert.class));
        invoiceLines = output(Topics.INVOICE_LINES, monthKey, serdes.avro(InvoiceLine.class));
        statuses = output(Topics.SPEND_STATUS, serdes.string(), serdes.avro(SpendStatus.class));
        rejected = driver.createOutputTopic(Topics.REJECTED, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                serdes.avro(RejectedRecord.class).deserializer());
        PublishedPriceList.models().forEach(this::publishModel);
        PublishedPriceList.rates().forEach(this::publishRate);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private <K, V> TestInputTopic<K, V> input(String topic, Serde<K> keys, Serde<V> values) {
        return driver.createInputTopic(topic, keys.serializer(), values.serializer());
    }

    private <K, V> TestOutputTopic<K, V> output(String topic, Serde<K> keys, Serde<V> values) {
        return driver.createOutputTopic(topic, keys.deserializer(), values.deserializer());
    }

    // ---- inputs

    protected void publishModel(ModelLane model) {
        models.pipeInput(model.getModelId(), model, wallClockStart());
    }

    protected void publishRate(LaneRate rate) {
        rates.pipeInput(new LaneRateKey(rate.getLane(), rate.getEffectiveFrom()), rate, wallClockStart());
    }

    protected static LaneRate rate(Lane lane, String inputPerMillion, String outputPerMillion, String effectiveFrom) {
        return new LaneRate(lane.name(), usd(inputPerMillion), usd(outputPerMillion), Instant.parse(effectiveFrom));
    }

    /**
     * Publishes a plan version before every request of the test. A request is metered under the versions published
     * by its record timestamp (rule 6, production order); the driver meters records in the order they are piped, so
     * with this instant a version applies to every request piped after it, the order the tests are written in.
     */
    protected void publishPlan(AccountPlan plan) {
        publishPlan(plan, PLANS_PUBLISHED_AT);
    }

    /** Publishes a plan version with the record timestamp {@code publishedAt}: when it was published. */
    protected void publishPlan(AccountPlan plan, Instant publishedAt) {
        plans.pipeInput(new AccountPlanKey(plan.getAccountId(), plan.getEffectiveFrom()), plan, publishedAt);
    }

    /** A plan version; {@code ceiling} and {@code zone} may be null. */
    protected static AccountPlan plan(String account, String name, String credit, String ceiling, String zone,
                                      String effectiveFrom) {
        return new AccountPlan(account, name, usd(credit), ceiling == null ? null : usd(ceiling), zone,
                Instant.parse(effectiveFrom));
    }

    /** A request for {@code flux-auto} served by a catalog model of the lane, with a fresh request id. */
    protected RoutedRequest.Builder request(String account, Lane lane, long inputTokens, long outputTokens,
                                            String completedAt) {
        String model = PublishedPriceList.models().stream().filter(m -> m.getLane().equals(lane.name()))
                .findFirst().orElseThrow().getModelId();
        return RoutedRequest.newBuilder()
                .setRequestId("req-" + nextRequestId.incrementAndGet())
                .setAccountId(account)
                .setRequestedModel("flux-auto")
                .setServedModel(model)
                .setLane(null)
                .setInputTokens(inputTokens)
                .setOutputTokens(outputTokens)
                .setCompletedAt(Instant.parse(completedAt))
                .setQuotedCostUsd(null);
    }

    /** Sends a request keyed by its account, produced one second after it completed. */
    protected void send(RoutedRequest.Builder request) {
        send(request.build());
    }

    /** Sends an Express request costing exactly {@code dollars} (at $1 per 1M tokens; at most $20). */
    protected RoutedRequest spend(String account, String dollars, String completedAt) {
        long tokens = new BigDecimal(dollars).movePointRight(6).longValueExact();
        long input = Math.min(tokens, 10_000_000L);
        RoutedRequest request = request(account, Lane.EXPRESS, input, tokens - input, completedAt).build();
        send(request);
        return request;
    }

    /**
     * Sends a Deep Thought request costing exactly {@code dollars} (at $4 per 1M tokens; at most $80, in steps of
     * $0.000004).
     */
    protected RoutedRequest spendDeep(String account, String dollars, String completedAt) {
        long tokens = new BigDecimal(dollars).movePointRight(6).divide(BigDecimal.valueOf(4)).longValueExact();
        long input = Math.min(tokens, 10_000_000L);
        RoutedRequest request = request(account, Lane.DEEP_THOUGHT, input, tokens - input, completedAt).build();
        send(request);
        return request;
    }

    protected void send(RoutedRequest request) {
        requests.pipeInput(request.getAccountId(), request, request.getCompletedAt().plusSeconds(1));
    }

    protected void sendKeyed(String key, RoutedRequest request, Instant producedAt) {
        requests.pipeInput(key, request, producedAt);
    }

    protected void sendRaw(byte[] key, byte[] value, Instant producedAt) {
        rawRequests.pipeInput(key, value, producedAt);
    }

    protected void advanceWallClock(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    // ---- outputs (each call drains what the topic received since the last call)

    protected List<PricedRequest> priced() {
        return priced.readValuesToList();
    }

    protected List<OverageUpdate> overage() {
        return overage.readValuesToList();
    }

    protected List<SpendAlert> alerts() {
        return alerts.readValuesToList();
    }

    protected List<InvoiceLine> invoiceLines() {
        return invoiceLines.readValuesToList();
    }

    protected List<RejectedRecord> rejected() {
        return rejected.readValuesToList();
    }

    /** Spend statuses (rule 12), of every account, in emission order. */
    protected List<SpendStatus> statuses() {
        return statuses.readValuesToList();
    }

    /** The spend statuses of one account since the last call, in emission order (the others' are dropped). */
    protected List<SpendStatus> statuses(String account) {
        return statuses().stream().filter(status -> status.getAccountId().equals(account)).toList();
    }

    protected static BigDecimal usd(String amount) {
        return new BigDecimal(amount).setScale(9);
    }
}
