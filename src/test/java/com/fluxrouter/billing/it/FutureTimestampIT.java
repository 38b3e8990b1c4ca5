package com.fluxrouter.billing.it;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.local.Pipeline;
import com.fluxrouter.billing.local.TopicSetup;
import com.fluxrouter.billing.replay.InputFiles;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 4 on a real broker whose request topic takes the producers' clocks: flux.requests.routed is CreateTime and
 * accepts any future timestamp ({@code message.timestamp.after.max.ms} at its maximum), the other topics keep the
 * broker's default bound. A router with a broken clock stamps a request 2099, record timestamp and completed_at
 * alike, between normal requests: it is rejected FUTURE_TIMESTAMP, no month closes, every normal request is priced
 * and the stream thread never fails. A valid request whose record timestamp says 2099 is priced, its outputs
 * stamped no later than the wall clock (the broker would refuse 2099 on the output topics and changelogs).
 */
@WithBroker
class FutureTimestampIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Instant YEAR_2099 = Instant.parse("2099-01-01T00:00:00Z");

    @TempDir
    Path tmp;

    @Test
    void aRequestStamped2099ByABrokenRouterClockIsRejectedAndBillsNothingElseWrong(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(new NewTopic(Topics.ROUTED, 1, (short) 1).configs(Map.of(
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime",
                TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, Long.toString(Long.MAX_VALUE))));
        kafka.createPipelineTopics(1, "");
        Optional<String> warning = TopicSetup.routedTimestampWarning(kafka.admin());
        assertThat(warning).as("what run logs and topics prints").hasValueSatisfying(text ->
                assertThat(text).contains(Topics.ROUTED, "CreateTime", "LogAppendTime"));
        Serdes serdes = new Serdes(BillingConfig.defaults().wireFormat());
        // Relative to now, all in the current month or the one before, whose close (end + 24 h) is ahead.
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<RoutedRequest> normal = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            normal.add(request("normal-" + i, "acct-a", start.minus(Duration.ofMinutes(60 - 10L * i))));
        }
        RoutedRequest broken = request("broken-clock", "acct-a", YEAR_2099);
        // Valid: completed a minute ago; only its record timestamp is 2099.
        RoutedRequest stampedAhead = request("stamped-ahead", "acct-b", start.minus(Duration.ofMinutes(1)));
        RoutedRequest sentinel = request("sentinel", "acct-a", start);

        try (Pipeline pipeline = new Pipeline(config(kafka)).start();
             KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            new InputFiles(serdes).send(tmp.resolve("published-price-list"), (topic, key, value) ->
                    producer.send(new ProducerRecord<>(topic, key, value)));
            producer.flush();
            pipeline.awaitEntries(CatalogFlow.MODELS_STORE, 6, TIMEOUT);
            pipeline.awaitEntries(CatalogFlow.RATES_STORE, 3, TIMEOUT);

            for (int i = 0; i < normal.size(); i++) {
                send(producer, serdes, normal.get(i), normal.get(i).getCompletedAt());
                if (i == 2) {
                    send(producer, serdes, broken, YEAR_2099);
                    send(producer, serdes, stampedAhead, YEAR_2099);
                }
            }
            send(producer, serdes, sentinel, sentinel.getCompletedAt());
            producer.flush();

            // Outputs commit with their inputs, in input order: once the sentinel is priced, everything sent
            // before it is committed, so the topics now hold all the requests under test caused.
            kafka.awaitCommitted(Topics.PRICED, records -> records.stream().anyMatch(r -> decode(serdes,
                    Topics.PRICED, PricedRequest.class, r.value()).getRequestId().equals(sentinel.getRequestId())), TIMEOUT);
            List<ConsumerRecord<byte[], byte[]>> priced = kafka.committed(Topics.PRICED);
            Instant afterwards = Instant.now();
            List<String> pricedIds = priced.stream().map(r -> decode(serdes, Topics.PRICED, PricedRequest.class,
                    r.value()).getRequestId()).toList();
            // Every normal request, the validly completed one stamped ahead, and the sentinel: all outputs of
            // the records before the sentinel are committed with or before it (one partition, in order).
            List<String> expected = new ArrayList<>(normal.stream().map(RoutedRequest::getRequestId).toList());
            expected.add(3, stampedAhead.getRequestId());
            expected.add(sentinel.getRequestId());
            assertThat(pricedIds).containsExactlyElementsOf(expected);
            for (ConsumerRecord<byte[], byte[]> record : priced) {
                assertThat(Instant.ofEpochMilli(record.timestamp())).as("output timestamp").isBeforeOrEqualTo(afterwards);
            }
            assertThat(priced.stream().map(r -> decode(serdes, Topics.PRICED, PricedRequest.class, r.value())
                    .getCostUsd())).allSatisfy(cost -> assertThat(cost).isEqualByComparingTo(new BigDecimal("0.003")));

            assertThat(kafka.committed(Topics.REJECTED)).as("only the broken clock's request rejected").singleElement()
                    .satisfies(record -> {
                RejectedRecord rejection = decode(serdes, Topics.REJECTED, RejectedRecord.class, record.value());
                assertThat(rejection.getReason()).isEqualTo("FUTURE_TIMESTAMP");
                assertThat(rejection.getSourceOffset()).isEqualTo(3L);
                assertThat(rejection.getSourceTimestamp()).as("judged against the wall clock").isBefore(afterwards);
                assertThat(Instant.ofEpochMilli(record.timestamp())).isBeforeOrEqualTo(afterwards);
            });
            assertThat(kafka.committed(Topics.INVOICE_LINES)).as("no month closed").isEmpty();
            // Pay as you go: each priced request moves the overage.
            assertThat(kafka.committed(Topics.OVERAGE)).hasSize(expected.size());

            assertThat(pipeline.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(metric(pipeline.streams(), "failed-stream-threads")).as("stream threads that failed")
                    .isEqualTo(0.0);
            assertThat(pipeline.streams().metadataForLocalThreads()).singleElement()
                    .satisfies(thread -> assertThat(thread.threadName()).endsWith("-StreamThread-1"));
        }
    }

    private static double metric(KafkaStreams streams, String name) {
        return streams.metrics().values().stream().filter(m -> m.metricName().name().equals(name))
                .map(Metric::metricValue).map(v -> ((Number) v).doubleValue()).findFirst().orElseThrow();
    }

    private static RoutedRequest request(String id, String account, Instant completedAt) {
        return RoutedRequest.newBuilder().setRequestId(id).setAccountId(account).setRequestedModel("flux-auto")
                .setServedModel("flux-express-small").setLane(null).setInputTokens(2_000).setOutputTokens(1_000)
                .setCompletedAt(completedAt).setQuotedCostUsd(null).build();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Serdes serdes, RoutedRequest request,
                             Instant recordTimestamp) throws Exception {
        producer.send(new ProducerRecord<>(Topics.ROUTED, null, recordTimestamp.toEpochMilli(),
                request.getAccountId().getBytes(StandardCharsets.UTF_8),
                serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request))).get(30, TimeUnit.SECONDS);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T decode(Serdes serdes, String topic,
                                                                                Class<T> type, byte[] bytes) {
        return serdes.avro(type).deserializer().deserialize(topic, bytes);
    }

    private BillingConfig config(EmbeddedKafka kafka) throws Exception {
        return BillingConfig.of(Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, "flux-billing-it-future",
                StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(tmp, "state").toString(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100"));
    }
}
