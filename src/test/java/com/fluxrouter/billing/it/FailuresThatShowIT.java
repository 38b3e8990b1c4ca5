package com.fluxrouter.billing.it;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.local.Service;
import com.fluxrouter.billing.observability.Exposition;
import com.fluxrouter.billing.observability.PipelineMeters;
import com.fluxrouter.billing.observability.StreamsLifecycle;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Failures that show, on a real broker with the production pipeline: a crash loop of stream threads turns
 * {@code /health} 503 and is counted in {@code /metrics}, where the dead threads' series do not stay; a Kafka Streams
 * client that stops on its own makes {@code run} exit non-zero. The tests share one broker and run in order, as each
 * needs more of the pipeline's topics than the one before: none, the catalog's only, all.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithBroker
class FailuresThatShowIT {
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final Pattern THREAD_ID = Pattern.compile("thread_id=\"([^\"]+)\"");
    /**
     * How often the meters re-read Kafka's metrics here (flux.metrics.refresh-interval; a minute by default): the
     * series checks below wait for a re-read, which is the same at any interval.
     */
    private static final Duration METRICS_REFRESH = Duration.ofSeconds(1);
    /**
     * A failed thread does not leave the group: its successor's rebalance waits out the session timeout (45 s by
     * default), so each turn of a crash loop takes a session. EmbeddedKafka lets sessions be this short.
     */
    private static final String SESSION = "2000";
    private static final String HEARTBEAT = "500";
    private static final Duration REPLACEMENT_WINDOW = Duration.ofSeconds(30);
    private static EmbeddedKafka kafka;
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    private Map<String, String> settings(String applicationId) {
        return Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, applicationId,
                StreamsConfig.STATE_DIR_CONFIG, tmp.resolve(applicationId).toString(),
                BillingConfig.HEALTH_MAX_THREAD_REPLACEMENTS, "2",
                // The crash loop's first three replacements come within about 2 x SESSION + 1 s of backoff (some 6 s
                // here), well inside the window; /health is 200 again one window after the first of them.
                BillingConfig.HEALTH_REPLACEMENT_WINDOW, REPLACEMENT_WINDOW.toString(),
                StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION,
                StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), HEARTBEAT,
                BillingConfig.METRICS_REFRESH_INTERVAL, METRICS_REFRESH.toString(),
                Service.HTTP_PORT, "0");
    }

    private HttpResponse<String> get(Service service, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(service.apiAddress() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The stream threads that have series in the exposition. */
    private static Set<String> threadsWithSeries(String metrics) {
        Set<String> threads = new TreeSet<>();
        for (String family : List.of("kafka_stream_thread_process_total", "kafka_stream_thread_poll_total")) {
            for (String labels : Exposition.samples(metrics, family).keySet()) {
                Matcher matcher = THREAD_ID.matcher(labels);
                if (matcher.find()) {
                    threads.add(matcher.group(1));
                }
            }
        }
        return threads;
    }

    /**
     * The request and plan topics exist (the start needs them: the partition check reads the request topic's
     * partition count, and the plans' valid copy is seeded from the plans topic), the catalog input topics do not, so
     * every stream thread fails on its missing source topics and is replaced (a real crash loop of the production
     * pipeline); once the topics are created the loop ends.
     */
    @Test
    @Order(2)
    void aCrashLoopTurnsHealth503IsCountedAndLeavesNoDeadThreadSeries() throws Exception {
        kafka.createTopics(new NewTopic(Topics.ROUTED, 1, (short) 1), new NewTopic(Topics.PLANS, 1, (short) 1));
        try (Service service = Service.start(settings("flux-billing-it-crash-loop"))) {
            await("health 503 after more than 2 replacements within " + REPLACEMENT_WINDOW).atMost(WAIT).dontCatchUncaughtExceptions().pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        assertThat(get(service, "/health").statusCode()).isEqualTo(503);
                    });
            double replaced = Exposition.sum(get(service, "/metrics").body(),
                    "flux_billing_stream_thread_replacements_total");
            assertThat(replaced).as("replacements counted").isGreaterThan(2);
            assertThat(get(service, "/ready").statusCode()).isEqualTo(503);

            kafka.createPipelineTopics(1, "");
            await("health 200 once the replacements left the window").atMost(WAIT).dontCatchUncaughtExceptions().pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(get(service, "/health").statusCode()).isEqualTo(200));
            // At Micrometer's next re-read of Kafka's metrics, only the live thread has series. (Kafka Streams
            // reuses a dead thread's name, so which names were dead is proved in aReplacedThreadsSeriesLeaveMetrics.)
            await("dead threads' series gone").atMost(WAIT).dontCatchUncaughtExceptions().pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        String live = service.pipeline().streams().metadataForLocalThreads().iterator().next().threadName();
                        assertThat(threadsWithSeries(get(service, "/metrics").body())).containsExactly(live);
                    });
            assertThat(Exposition.sum(get(service, "/metrics").body(), "flux_billing_stream_thread_replacements_total"))
                    .as("the counter only grows").isGreaterThanOrEqualTo(replaced);
            assertThat(service.pipeline().lifecycle().stoppedOnItsOwn()).isFalse();
        }
    }

    /**
     * A thread that fails once and is replaced: its series were bound at the start and leave {@code /metrics} at
     * Micrometer's next re-read of Kafka's metrics, while its successor's arrive. The successor is StreamThread-2
     * (Kafka Streams reuses a name only once its thread is dead, and the failing thread asks for its replacement).
     */
    @Test
    @Order(1)
    void aReplacedThreadsSeriesLeaveMetrics() throws Exception {
        String input = "failures-that-show.fails-once";
        kafka.createTopics(new NewTopic(input, 1, (short) 1));
        AtomicInteger failures = new AtomicInteger();
        KafkaStreams streams = throwingClient(input, "flux-billing-it-fails-once", () -> failures.incrementAndGet() == 1);
        streams.setUncaughtExceptionHandler(exception ->
                StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD);
        try (PipelineMeters meters = PipelineMeters.prometheus(); KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            meters.bind(streams, METRICS_REFRESH);
            String first = streams.metadataForLocalThreads().iterator().next().threadName();
            assertThat(threadsWithSeries(meters.scrape())).containsExactly(first);
            streams.start();
            producer.send(new ProducerRecord<>(input, new byte[] {1}, new byte[] {2})).get();
            String successor = first.replace("-StreamThread-1", "-StreamThread-2");
            await("only the successor's series").atMost(WAIT).dontCatchUncaughtExceptions().pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(threadsWithSeries(meters.scrape())).containsExactly(successor));
            assertThat(streams.metadataForLocalThreads()).extracting(ThreadMetadata::threadName).containsExactly(successor);
            // The successor processes the record once the group has let the failed thread's member go (its session).
            await("the successor at the record").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> failures.get() >= 2);
            assertThat(failures).as("failed once, then processed the record").hasValue(2);
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    /** A client of a topology that reads {@code input} and throws on a record while {@code fail} says so. */
    private KafkaStreams throwingClient(String input, String applicationId, BooleanSupplier fail) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(() -> new ContextualProcessor<byte[], byte[], Void, Void>() {
                    @Override
                    public void process(Record<byte[], byte[]> record) {
                        if (fail.getAsBoolean()) {
                            throw new IllegalStateException("a bug in the processor");
                        }
                    }
                }, Named.as("throws"));
        Properties properties = new Properties();
        properties.putAll(kafka.clientSettings(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, applicationId,
                StreamsConfig.STATE_DIR_CONFIG, tmp.resolve(applicationId).toString(),
                // As settings(): a replaced thread's successor joins once the failed one's session ran out.
                StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION,
                StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), HEARTBEAT)));
        return new KafkaStreams(builder.build(), properties);
    }

    /**
     * Without its topics the production pipeline cannot start at all (the partition check of intake needs the request
     * topic's partition count), so {@code run} fails at once. A client that dies after starting is a processor that throws under a handler that
     * shuts the client down: {@code run}'s wait answers 1 and closes it.
     */
    @Test
    @Order(1)
    void runExitsNonZeroWhenKafkaStreamsStopsOnItsOwn() throws Exception {
        assertThatThrownBy(() -> Service.start(settings("flux-billing-it-no-topics")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(Topics.ROUTED + " does not exist");

        String input = "failures-that-show.dies";
        kafka.createTopics(new NewTopic(input, 1, (short) 1));
        KafkaStreams streams = throwingClient(input, "flux-billing-it-dies", () -> true);
        streams.setUncaughtExceptionHandler(exception ->
                StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        StreamsLifecycle lifecycle = StreamsLifecycle.watch(streams);
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            streams.start();
            producer.send(new ProducerRecord<>(input, new byte[] {1}, new byte[] {2})).get();
            AtomicInteger closes = new AtomicInteger();
            int status = lifecycle.awaitExitStatus(() -> {
                closes.incrementAndGet();
                streams.close(Duration.ofSeconds(30));
            });
            assertThat(status).isEqualTo(StreamsLifecycle.STOPPED_ON_ITS_OWN);
            assertThat(closes).hasValue(1);
            assertThat(lifecycle.stoppedOnItsOwn()).isTrue();
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    @Test
    @Order(3)
    void runExitsZeroWhenClosed() throws Exception {
        kafka.createPipelineTopics(1, "");
        Service service = Service.start(settings("flux-billing-it-closed"));
        await().atMost(WAIT).dontCatchUncaughtExceptions().until(() -> service.pipeline().streams().state().isRunningOrRebalancing()
                && get(service, "/ready").statusCode() == 200);
        service.close();
        assertThat(service.pipeline().lifecycle().awaitExitStatus(() -> {
            throw new AssertionError("closed twice");
        })).isZero();
    }
}
