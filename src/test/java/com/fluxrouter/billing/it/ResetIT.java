package com.fluxrouter.billing.it;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.cli.FluxBilling;
import com.fluxrouter.billing.local.Service;
import com.fluxrouter.billing.replay.InputFiles;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code reset} rewinds the inputs and wipes the state: the next run prices the same requests again, once. Each run
 * ends on a sentinel request sent after everything else: once it is priced, everything before it is committed.
 */
@WithBroker(partitions = 1)
class ResetIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int PRICED_BY_EXAMPLES = 11;
    private static final Serdes SERDES = new Serdes(WireFormat.SINGLE_OBJECT);

    @TempDir
    Path tmp;

    @Test
    void aResetPipelineReprocessesItsInputsFromScratch(EmbeddedKafka kafka) throws Exception {
        Map<String, String> settings = Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, "flux-billing-it-reset",
                StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("state").toString(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100",
                Service.HTTP_PORT, "0");
        List<ProducerRecord<byte[], byte[]>> catalogAndPlans = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> requests = new ArrayList<>();
        new InputFiles(SERDES).send(Path.of("examples"), (topic, key, value) ->
                (topic.equals(Topics.ROUTED) ? requests : catalogAndPlans).add(new ProducerRecord<>(topic, key, value)));

        List<String> firstRun;
        try (Service service = Service.start(settings); KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            catalogAndPlans.forEach(producer::send);
            producer.flush();
            service.pipeline().awaitEntries(CatalogFlow.MODELS_STORE, 6, TIMEOUT);
            service.pipeline().awaitEntries(CatalogFlow.RATES_STORE, 3, TIMEOUT);
            requests.forEach(producer::send);
            firstRun = pricedThroughSentinel(kafka, producer, "sentinel-1");
        }
        assertThat(firstRun).as("the examples and the sentinel, each priced once")
                .hasSize(PRICED_BY_EXAMPLES + 1).doesNotHaveDuplicates().endsWith("sentinel-1");

        Path config = tmp.resolve("reset.properties");
        Files.writeString(config, "application.id=flux-billing-it-reset\nstate.dir=" + tmp.resolve("state") + "\n");
        int status = new CommandLine(new FluxBilling()).execute("reset", "--bootstrap-servers", kafka.bootstrapServers(),
                "--config", config.toString());
        assertThat(status).isZero();

        try (Service ignored = Service.start(settings); KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            List<String> ids = pricedThroughSentinel(kafka, producer, "sentinel-2");
            assertThat(ids).as("every request priced again, once, then the new sentinel")
                    .hasSize(2 * firstRun.size() + 1).endsWith("sentinel-2");
            assertThat(ids.subList(firstRun.size(), 2 * firstRun.size())).containsExactlyInAnyOrderElementsOf(firstRun);
        }
    }

    /**
     * Sends a sentinel request after everything else, waits until it is priced and returns the ids of every priced
     * request on the topic, in order.
     */
    private static List<String> pricedThroughSentinel(EmbeddedKafka kafka, KafkaProducer<byte[], byte[]> producer,
                                                      String sentinelId) throws Exception {
        RoutedRequest sentinel = RoutedRequest.newBuilder().setRequestId(sentinelId).setAccountId("zz-sentinel")
                .setRequestedModel("flux-auto").setServedModel("flux-express-small").setLane(null)
                .setInputTokens(1_000).setOutputTokens(0).setCompletedAt(Instant.parse("2026-11-26T00:00:00Z"))
                .setQuotedCostUsd(null).build();
        producer.send(new ProducerRecord<>(Topics.ROUTED, SERDES.string().serializer().serialize(Topics.ROUTED,
                sentinel.getAccountId()), SERDES.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED,
                sentinel))).get();
        kafka.awaitCommitted(Topics.PRICED, records -> ids(records).contains(sentinelId), TIMEOUT);
        return ids(kafka.committed(Topics.PRICED));
    }

    private static List<String> ids(List<ConsumerRecord<byte[], byte[]>> priced) {
        return priced.stream().map(record -> SERDES.avro(PricedRequest.class).deserializer()
                .deserialize(Topics.PRICED, record.value()).getRequestId()).toList();
    }
}
