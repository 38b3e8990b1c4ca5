package com.fluxrouter.billing.local;

import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.Rejections;
import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.serde.FakeRegistry;
import com.fluxrouter.billing.serde.SchemaRegistration;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.Subjects;
import com.fluxrouter.billing.topology.BillingTopology;
import com.fluxrouter.billing.topology.StreamsSettings;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The registry going down after the start, in the registry wire format: the first alert and overage of an
 * account-month (written days after the start, in production) must neither reject the request nor lose its usage.
 */
class RegistryOutageTest {
    private static final Instant NOW = Instant.parse("2026-11-27T00:00:00Z");
    private static final String ACCOUNT = "acct-outage";

    @TempDir
    Path stateDir;

    private FakeRegistry registry;
    private BillingConfig config;
    private Serdes serdes;
    private TopologyTestDriver driver;
    private TestInputTopic<String, RoutedRequest> requests;
    private int nextRequest;

    @BeforeEach
    void startRegistry() throws Exception {
        registry = new FakeRegistry();
        config = BillingConfig.of(Map.of(BillingConfig.WIRE_FORMAT, "registry",
                BillingConfig.SCHEMA_REGISTRY_URL, registry.url(),
                BillingConfig.SCHEMA_REGISTRY_TIMEOUT, "PT5S",
                BillingConfig.STATE_STORES, "in_memory"));
        serdes = Serdes.of(config);
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
        registry.close();
    }

    @Test
    void outputsFirstWrittenDuringARegistryOutageAreWrittenWithoutAskingTheRegistry() {
        Pipeline.prepareSchemas(config);
        startDriver();
        spend("1");
        assertThat(priced()).hasSize(1);

        registry.goDown();
        spend("10");

        assertThat(priced()).hasSize(1);
        assertThat(driver.createOutputTopic(Topics.ALERTS, serdes.avro(AccountMonthKey.class).deserializer(),
                serdes.avro(SpendAlert.class).deserializer()).readValuesToList()).isNotEmpty();
        assertThat(driver.createOutputTopic(Topics.OVERAGE, serdes.avro(AccountMonthKey.class).deserializer(),
                serdes.avro(OverageUpdate.class).deserializer()).readValuesToList())
                .last().satisfies(update -> assertThat(update.getOverageUsd()).isEqualByComparingTo("1.000001"));
        assertThat(rejected()).isEmpty();
        assertThat(registry.callsWhileFailing()).isZero();
    }

    @Test
    void aRegistryFailureWhileWritingAnOutputFailsTheRecordInsteadOfRejectingIt() {
        // As if the process had started before the alert and overage subjects existed, and had already rejected a
        // record: without the rejected subject's id, the rejection itself would fail and hide a wrong verdict.
        SchemaRegistration.register(Serdes.registryClient(config), Subjects.of(Topics.REJECTED, false),
                SpecificData.get().getSchema(RejectedRecord.class));
        startDriver();

        registry.goDown();

        assertThatThrownBy(() -> spend("10"))
                .satisfies(failure -> assertThat(Rejections.registryUnavailable(failure)).isTrue());
        assertThat(rejected()).isEmpty();
        assertThat(registry.callsWhileFailing()).isPositive();
    }

    private void startDriver() {
        Properties properties = new Properties();
        properties.putAll(StreamsSettings.of(config));
        properties.put("state.dir", stateDir.toString());
        properties.putAll(StreamsSettings.forTestDriver());
        driver = new TopologyTestDriver(BillingTopology.build(config), properties, NOW);
        TestInputTopic<String, ModelLane> models = driver.createInputTopic(Topics.MODELS,
                serdes.string().serializer(), serdes.avro(ModelLane.class).serializer());
        PublishedPriceList.models().forEach(model -> models.pipeInput(model.getModelId(), model, NOW));
        TestInputTopic<LaneRateKey, LaneRate> rates = driver.createInputTopic(Topics.RATES,
                serdes.avro(LaneRateKey.class).serializer(), serdes.avro(LaneRate.class).serializer());
        PublishedPriceList.rates().forEach(rate ->
                rates.pipeInput(new LaneRateKey(rate.getLane(), rate.getEffectiveFrom()), rate, NOW));
        Instant planFrom = Instant.parse("2026-01-01T00:00:00Z");
        AccountPlan plan = new AccountPlan(ACCOUNT, "Team", new BigDecimal("10.000000000"),
                new BigDecimal("50.000000000"), null, planFrom);
        driver.createInputTopic(Topics.PLANS, serdes.avro(AccountPlanKey.class).serializer(),
                        serdes.avro(AccountPlan.class).serializer())
                .pipeInput(new AccountPlanKey(ACCOUNT, planFrom), plan, planFrom); // published before the requests
        requests = driver.createInputTopic(Topics.ROUTED, serdes.string().serializer(),
                serdes.avro(RoutedRequest.class).serializer());
        // The input subjects are registered (and their ids known) while the registry is up, as the router fleet's;
        // the first priced request writes its subject too.
        spendAlmostNothing();
    }

    private void spendAlmostNothing() {
        send(request("0.000001"));
        assertThat(priced()).hasSize(1);
    }

    /** An Express request costing exactly {@code dollars} ($1 per 1M tokens). */
    private void spend(String dollars) {
        send(request(dollars));
    }

    /** Produced a second after it completed. */
    private void send(RoutedRequest request) {
        requests.pipeInput(ACCOUNT, request, request.getCompletedAt().plusSeconds(1));
    }

    private RoutedRequest request(String dollars) {
        long tokens = new BigDecimal(dollars).movePointRight(6).longValueExact();
        String model = PublishedPriceList.models().stream().filter(m -> m.getLane().equals("EXPRESS"))
                .findFirst().orElseThrow().getModelId();
        return RoutedRequest.newBuilder().setRequestId("req-" + ++nextRequest).setAccountId(ACCOUNT)
                .setRequestedModel("flux-auto").setServedModel(model).setLane(null)
                .setInputTokens(tokens).setOutputTokens(0).setCompletedAt(NOW.minusSeconds(120 - nextRequest))
                .setQuotedCostUsd(null).build();
    }

    private java.util.List<PricedRequest> priced() {
        return driver.createOutputTopic(Topics.PRICED, serdes.string().deserializer(),
                serdes.avro(PricedRequest.class).deserializer()).readValuesToList();
    }

    private java.util.List<RejectedRecord> rejected() {
        return driver.createOutputTopic(Topics.REJECTED, new ByteArrayDeserializer(),
                serdes.avro(RejectedRecord.class).deserializer()).readValuesToList();
    }
}
