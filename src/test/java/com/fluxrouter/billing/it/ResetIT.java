package com.fluxrouter.billing.it;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.cli.FluxBilling;
import com.fluxrouter.billing.local.Service;
import com.fluxrouter.billing.replay.InputFiles;
import com.fluxrouter.billing.schema.PricedRequest;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code reset} rewinds the inputs and wipes the state: the next run prices the same requests again, once. */
class ResetIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int PRICED_BY_EXAMPLES = 11;

    @TempDir
    Path tmp;

    @Test
    void aResetPipelineReprocessesItsInputsFromScratch() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createPipelineTopics(1);
            Map<String, String> settings = Map.of(
                    StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    StreamsConfig.APPLICATION_ID_CONFIG, "flux-billing-it-reset",
                    StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("state").toString(),
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100",
                    Service.HTTP_PORT, "0");
            List<ProducerRecord<byte[], byte[]>> catalogAndPlans = new ArrayList<>();
            List<ProducerRecord<byte[], byte[]>> requests = new ArrayList<>();
            new InputFiles(new Serdes(WireFormat.SINGLE_OBJECT)).send(Path.of("examples"), (topic, key, value) ->
                    (topic.equals(Topics.ROUTED) ? requests : catalogAndPlans).add(new ProducerRecord<>(topic, key, value)));

            try (Service service = Service.start(settings); KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
                catalogAndPlans.forEach(producer::send);
                producer.flush();
                service.pipeline().awaitEntries(CatalogFlow.MODELS_STORE, 6, TIMEOUT);
                service.pipeline().awaitEntries(CatalogFlow.RATES_STORE, 3, TIMEOUT);
                requests.forEach(producer::send);
                producer.flush();
                assertThat(kafka.readCommitted(Topics.PRICED, PRICED_BY_EXAMPLES, TIMEOUT)).hasSize(PRICED_BY_EXAMPLES);
            }

            Path config = tmp.resolve("reset.properties");
            Files.writeString(config, "application.id=flux-billing-it-reset\nstate.dir=" + tmp.resolve("state") + "\n");
            int status = new CommandLine(new FluxBilling()).execute("reset", "--bootstrap-servers", kafka.bootstrapServers(),
                    "--config", config.toString());
            assertThat(status).isZero();

            try (Service ignored = Service.start(settings)) {
                List<ConsumerRecord<byte[], byte[]>> priced = kafka.readCommitted(Topics.PRICED, 2 * PRICED_BY_EXAMPLES, TIMEOUT);
                assertThat(priced).as("every request priced again, once").hasSize(2 * PRICED_BY_EXAMPLES);
                Serdes serdes = new Serdes(WireFormat.SINGLE_OBJECT);
                List<String> ids = priced.stream().map(record -> serdes.avro(PricedRequest.class).deserializer()
                        .deserialize(Topics.PRICED, record.value()).getRequestId()).toList();
                assertThat(ids.subList(PRICED_BY_EXAMPLES, ids.size()))
                        .containsExactlyInAnyOrderElementsOf(ids.subList(0, PRICED_BY_EXAMPLES));
            }
        }
    }
}
