package com.fluxrouter.billing.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fluxrouter.billing.api.Backend;
import com.fluxrouter.billing.api.StreamsBackend;
import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.deploy.Dashboard;
import com.fluxrouter.billing.local.Service;
import com.fluxrouter.billing.local.Seed;
import com.fluxrouter.billing.observability.Exposition;
import com.fluxrouter.billing.observability.Promtool;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.Topics;
import com.fluxrouter.billing.traffic.RequestFactory;
import com.fluxrouter.billing.traffic.TokenSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the service share the partitions; the usage endpoint of either answers for every account,
 * forwarding to the owner, with exactly the usage of the priced requests.
 */
@WithBroker(partitions = 4)
class TwoInstancesIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int ACCOUNTS = 20;
    private static final int REQUESTS = 400;
    /** Records that are not Avro: each is rejected MALFORMED by whichever instance owns its partition. */
    private static final int MALFORMED = 3;
    private static final int PARTITIONS = 4;
    private static EmbeddedKafka kafka;

    @TempDir
    static Path tmp;

    @Test
    void eitherInstanceAnswersForEveryAccount() throws Exception {
        Serdes serdes = new Serdes(WireFormat.SINGLE_OBJECT);
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            Seed.catalog(producer, serdes);
            try (Service first = Service.start(settings("a")); Service second = Service.start(settings("b"))) {
                awaitRunning(first, second);
                first.pipeline().awaitEntries(CatalogFlow.RATES_STORE, 3, TIMEOUT);
                second.pipeline().awaitEntries(CatalogFlow.RATES_STORE, 3, TIMEOUT);
                first.pipeline().awaitEntries(CatalogFlow.MODELS_STORE, 6, TIMEOUT);
                second.pipeline().awaitEntries(CatalogFlow.MODELS_STORE, 6, TIMEOUT);

                RequestFactory factory = new RequestFactory(3, TokenSource.builtIn(new Random(3)), ACCOUNTS, "it");
                Instant completedAt = Instant.now();
                for (int i = 0; i < REQUESTS; i++) {
                    RoutedRequest request = factory.next(completedAt);
                    producer.send(new ProducerRecord<>(Topics.ROUTED, serdes.string().serializer().serialize(Topics.ROUTED, request.getAccountId()),
                            serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request)));
                }
                for (int i = 0; i < MALFORMED; i++) {
                    producer.send(new ProducerRecord<>(Topics.ROUTED, ("acct-" + i).getBytes(StandardCharsets.UTF_8),
                            "not avro".getBytes(StandardCharsets.UTF_8)));
                }
                // Last on every partition, a sentinel request: once all are priced, the outputs of everything sent
                // before are committed (outputs commit with their inputs, in each partition's order).
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    RoutedRequest sentinel = RoutedRequest.newBuilder(factory.next(completedAt))
                            .setAccountId(Sentinels.account(partition, PARTITIONS)).setRequestId("sentinel-" + partition).build();
                    producer.send(new ProducerRecord<>(Topics.ROUTED, serdes.string().serializer().serialize(Topics.ROUTED, sentinel.getAccountId()),
                            serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, sentinel)));
                }
                producer.flush();

                kafka.awaitCommitted(Topics.PRICED, records -> pricedIds(records, serdes).stream()
                        .filter(id -> id.startsWith("sentinel-")).count() == PARTITIONS, TIMEOUT);
                List<ConsumerRecord<byte[], byte[]>> priced = kafka.committed(Topics.PRICED);
                assertThat(pricedIds(priced, serdes)).as("every request and sentinel priced, once")
                        .doesNotHaveDuplicates().hasSize(REQUESTS + PARTITIONS);
                Map<String, BigDecimal> usage = new HashMap<>();
                String month = null;
                for (ConsumerRecord<byte[], byte[]> record : priced) {
                    PricedRequest request = serdes.avro(PricedRequest.class).deserializer().deserialize(Topics.PRICED, record.value());
                    usage.merge(request.getAccountId(), request.getCostUsd(), BigDecimal::add);
                    month = request.getBillingMonth();
                }

                Set<String> owners = new HashSet<>();
                ObjectMapper json = new ObjectMapper();
                for (String account : usage.keySet()) {
                    owners.add(owner(first, account));
                    for (Service service : List.of(first, second)) {
                        HttpResponse<String> response = get(service.apiAddress() + "/accounts/" + account + "/usage?month=" + month);
                        assertThat(response.statusCode()).as(account + " via " + service.apiAddress()).isEqualTo(200);
                        JsonNode body = json.readTree(response.body());
                        assertThat(new BigDecimal(body.get("usage_usd").asText())).as(account)
                                .isEqualByComparingTo(usage.get(account));
                    }
                }
                assertThat(owners).as("both instances own accounts, so answers were forwarded").hasSize(2);
                assertThat(get(first.apiAddress() + "/ready").statusCode()).isEqualTo(200);
                assertThat(kafka.committed(Topics.REJECTED)).hasSize(MALFORMED);
                // Micrometer binds metrics Kafka creates after the start (tasks' sensors, partitions' lag) at its next
                // re-read of the client's metrics (flux.metrics.refresh-interval, a second here, a minute by default):
                // until then the per-task series are not there yet.
                await("every metric the dashboard queries, on both instances").atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofSeconds(2)).dontCatchUncaughtExceptions().untilAsserted(() -> {
                            for (Service service : List.of(first, second)) {
                                String metrics = get(service.apiAddress() + "/metrics").body();
                                for (String family : Dashboard.metricNames()) {
                                    assertThat(Exposition.samples(metrics, family)).as(family).isNotEmpty();
                                }
                            }
                        });
                String metricsA = get(first.apiAddress() + "/metrics").body();
                String metricsB = get(second.apiAddress() + "/metrics").body();
                for (String metrics : List.of(metricsA, metricsB)) {
                    Promtool.Check check = Promtool.check(metrics);
                    assertThat(check.parsed()).as(check.output()).isTrue();
                    assertThat(check.problemsOf("flux_")).isEmpty();
                }
                // Counted by the instances that processed them, each instance its own: the sums are the traffic. (Both
                // instances were RUNNING before the first record, so no transaction was retried and counted twice.)
                assertThat(Exposition.sum(metricsA, "kafka_stream_flux_billing_priced_total")
                        + Exposition.sum(metricsB, "kafka_stream_flux_billing_priced_total")).isEqualTo(REQUESTS + PARTITIONS);
                assertThat(Exposition.sum(metricsA, "flux_billing_rejected_total", "reason=\"MALFORMED\"")
                        + Exposition.sum(metricsB, "flux_billing_rejected_total", "reason=\"MALFORMED\"")).isEqualTo(MALFORMED);
                assertThat(Exposition.sum(metricsA, "flux_billing_rejected_total")
                        + Exposition.sum(metricsB, "flux_billing_rejected_total")).as("no other rejection").isEqualTo(MALFORMED);
                assertThat(Exposition.type(metricsA, "flux_billing_alerts_total")).isEqualTo("counter");
                assertThat(Exposition.sum(metricsA, "flux_billing_stream_thread_replacements_total")
                        + Exposition.sum(metricsB, "flux_billing_stream_thread_replacements_total")).isZero();
            }
        }
    }

    private static String owner(Service service, String account) throws Backend.NotReady {
        String self = URI.create(service.apiAddress()).getAuthority();
        Backend.Owner owner = new StreamsBackend(service.pipeline().streams(), HostInfo.buildFromEndpoint(self), Long.MAX_VALUE).ownerOf(account);
        return owner instanceof Backend.Elsewhere elsewhere ? elsewhere.hostAndPort() : self;
    }

    /** As a client should: 503 means the group is rebalancing, so ask again shortly. */
    private static HttpResponse<String> get(String url) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
        AtomicReference<HttpResponse<String>> response = new AtomicReference<>();
        await("not 503 from " + url).atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    response.set(http.send(request, HttpResponse.BodyHandlers.ofString()));
                    return response.get().statusCode() != 503;
                });
        return response.get();
    }

    private static List<String> pricedIds(List<ConsumerRecord<byte[], byte[]>> records, Serdes serdes) {
        return records.stream().map(record -> serdes.avro(PricedRequest.class).deserializer()
                .deserialize(Topics.PRICED, record.value()).getRequestId()).toList();
    }

    private static Map<String, String> settings(String instance) {
        return Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, "flux-billing-it-two",
                StreamsConfig.STATE_DIR_CONFIG, tmp.resolve(instance).toString(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100",
                BillingConfig.METRICS_REFRESH_INTERVAL, "PT1S",
                Service.HTTP_PORT, "0");
    }

    private static void awaitRunning(Service... services) {
        for (Service service : services) {
            await("RUNNING").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> service.pipeline().streams().state() == KafkaStreams.State.RUNNING);
        }
    }
}
